// A registry of factories keyed by a kind string, each with a zod schema for its
// options. Shared by the backbone registry here and the loss registry of
// @kdlab/kd, so "unknown kind" and "bad option" errors read the same everywhere.
import { z } from 'zod';

/** Turns a zod failure into one line per issue, each naming the field and the value it got. */
export function describeZodError(err: z.ZodError, input: unknown): string {
  return err.issues
    .map((issue) => {
      const field = issue.path.length ? issue.path.join('.') : '(options)';
      const got = issue.path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), input);
      const shown = got === undefined ? '' : ` (got ${JSON.stringify(got)})`;
      return `option '${field}': ${issue.message}${shown}`;
    })
    .join('; ');
}

/** Validates `input` against `schema`; the error says which thing (`where`) and which field failed. */
export function parseOptions<S extends z.ZodTypeAny>(schema: S, input: unknown, where: string): z.output<S> {
  const res = schema.safeParse(input);
  if (!res.success) throw new Error(`${where}: ${describeZodError(res.error, input)}`);
  return res.data;
}

interface Entry<T> {
  schema: z.ZodTypeAny;
  factory: (options: never) => T;
}

export class Registry<T> {
  private readonly entries = new Map<string, Entry<T>>();

  /** `what` names the registry in errors, e.g. 'backbone' or 'loss'. */
  constructor(readonly what: string) {}

  register<S extends z.ZodTypeAny>(kind: string, schema: S, factory: (options: z.output<S>) => T): void {
    if (this.entries.has(kind)) throw new Error(`${this.what} '${kind}' is registered twice`);
    this.entries.set(kind, { schema, factory: factory as (options: never) => T });
  }

  has(kind: string): boolean {
    return this.entries.has(kind);
  }

  kinds(): string[] {
    return [...this.entries.keys()].sort();
  }

  schema(kind: string): z.ZodTypeAny {
    return this.entry(kind).schema;
  }

  /** Validates the options of `kind` and builds it. `where` prefixes errors (defaults to the kind). */
  create(kind: string, options: Record<string, unknown>, where = `${this.what} '${kind}'`): T {
    const entry = this.entry(kind);
    const parsed = parseOptions(entry.schema, options, where);
    return entry.factory(parsed as never);
  }

  private entry(kind: string): Entry<T> {
    const entry = this.entries.get(kind);
    if (!entry) throw new Error(`unknown ${this.what} '${kind}'; known: ${this.kinds().join(', ') || '(none)'}`);
    return entry;
  }
}
