// Reading spec field references (`tag:x`, `param:x`, `run:runName`) off runs.
import type { ReportRun } from '../run';

export function readField(run: ReportRun, ref: string): string | undefined {
  const colon = ref.indexOf(':');
  const kind = ref.slice(0, colon);
  const name = ref.slice(colon + 1);
  if (kind === 'tag') return run.tags[name];
  if (kind === 'param') return run.params[name];
  if (kind === 'run') return name === 'runId' ? run.runId : run.runName;
  throw new Error(`field reference '${ref}': unknown kind '${kind}'`);
}

/** The first non-empty value among `refs`, else undefined. */
export function readFirst(run: ReportRun, refs: readonly string[]): string | undefined {
  for (const ref of refs) {
    const v = readField(run, ref);
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}
