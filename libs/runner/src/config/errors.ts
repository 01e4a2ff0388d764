import type { ZodError, ZodIssue } from 'zod';

/** A config that failed to load or validate; `issues` each name the field, e.g. `config.kd.terms[2].weight: Expected number, received string`. */
export class ConfigError extends Error {
  constructor(readonly source: string, readonly issues: string[]) {
    super(`${source}: invalid config\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** `['kd','terms',2,'weight']` -> `config.kd.terms[2].weight`. */
export function fieldPath(path: (string | number)[], root = 'config'): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : `${acc}.${p}`), root);
}

function describe(issue: ZodIssue): string {
  // An unknown key is most often a typo: name it rather than its parent.
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  if (issue.code === 'invalid_union_discriminator') return `${issue.message} (got ${issue.options.length} choices: ${issue.options.join(', ')})`;
  return issue.message;
}

export function formatZodError(error: ZodError, root = 'config'): string[] {
  return error.issues.map((i) => `${fieldPath(i.path, root)}: ${describe(i)}`);
}
