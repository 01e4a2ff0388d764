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

/** A method that is not a loss (e.g. how hint points are chosen), with its source. */
export interface SourcedMethod {
  /** Registry name, e.g. 'clustered-hints'. */
  name: string;
  /** One line: what it is. */
  description: string;
  source: MethodSource;
}

const methods = new Map<string, SourcedMethod>();

/**
 * Declares the source of a method that is not a registered loss (hint-point selection and the
 * like), so docs/METHODS.md and the reports can show it next to the losses.
 */
export function registerMethodSource(method: SourcedMethod): void {
  methods.set(method.name, method);
}

/** Every declared non-loss method, by name. */
export function listMethodSources(): SourcedMethod[] {
  return [...methods.values()].sort((a, b) => a.name.localeCompare(b.name));
}
