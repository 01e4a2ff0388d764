// Where a method comes from. Every registered loss (and every table row built on it) says how close it
// is to its reference, so a reader never takes an abstract-only reading for a reproduction.
//   official-code  matches the authors' released code (reference: repository and commit or file)
//   paper          follows the paper's text and equations; no code was released or read
//   abstract-only  only the abstract (or a short description) is explicit; every detail is our choice
export type SourceLevel = 'official-code' | 'paper' | 'abstract-only';

export interface MethodSource {
  level: SourceLevel;
  /** The paper (authors, title, venue/arXiv id) and, for official-code, the repository and file or commit. */
  reference: string;
  /** Known differences from the reference, and choices the reference leaves open. Empty when none. */
  deviations: string[];
}
