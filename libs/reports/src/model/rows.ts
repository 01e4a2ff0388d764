// Runs grouped into table rows (one row per method), with the baseline and the
// reference rows (shown, never ranked) resolved from the spec or the tags.
import { TAG, loosestSourceLevel } from '../convention';
import type { ReportRun } from '../run';
import type { ReportSpec } from '../spec';
import { readField, readFirst } from './fields';

export interface RowGroup {
  label: string;
  runs: ReportRun[];
  isBaseline: boolean;
  isReference: boolean;
  /** The loosest `kdlab.source_level` of the row's runs (abstract-only rows are marked in tables). */
  sourceLevel?: string;
}

export interface Rows {
  rows: RowGroup[];
  baseline?: string;
  warnings: string[];
}

const asList = (r: string | string[]): string[] => (Array.isArray(r) ? r : [r]);

export function rowRefs(spec: ReportSpec): string[] {
  return asList(spec.rows);
}

/** Only runs whose status the spec admits (FINISHED by default). */
export function admittedRuns(runs: readonly ReportRun[], spec: ReportSpec): ReportRun[] {
  const ok = new Set<string>(spec.statuses);
  return runs.filter((r) => ok.has(r.status));
}

export function groupRows(runs: readonly ReportRun[], spec: ReportSpec): Rows {
  const warnings: string[] = [];
  const refs = rowRefs(spec);
  const byLabel = new Map<string, ReportRun[]>();
  for (const run of runs) {
    const label = readFirst(run, refs) ?? run.runId;
    const list = byLabel.get(label) ?? [];
    list.push(run);
    byLabel.set(label, list);
  }

  const tagged = (tag: string) =>
    [...byLabel.entries()].filter(([, rs]) => rs.some((r) => r.tags[tag] === 'true')).map(([label]) => label);

  let baseline = spec.baseline;
  if (baseline !== undefined && !byLabel.has(baseline)) {
    warnings.push(`baseline row '${baseline}' (from the spec) has no runs; no Δ is shown`);
    baseline = undefined;
  } else if (baseline === undefined) {
    const candidates = tagged(TAG.baseline);
    if (candidates.length > 1) warnings.push(`several rows are tagged ${TAG.baseline}=true (${candidates.join(', ')}); using '${candidates[0]}'`);
    baseline = candidates[0];
  }
  const references = new Set(spec.references ?? tagged(TAG.reference));

  // Default order: the order the runs were started in (the runner's config
  // order), so a table reads the way the experiment was planned.
  const firstStart = (rs: ReportRun[]) => Math.min(...rs.map((r) => r.startTime));
  let labels = [...byLabel.keys()].sort((a, b) => firstStart(byLabel.get(a)!) - firstStart(byLabel.get(b)!) || a.localeCompare(b));
  if (spec.rowOrder) {
    const pos = new Map(spec.rowOrder.map((l, i) => [l, i]));
    for (const l of spec.rowOrder) if (!byLabel.has(l)) warnings.push(`rowOrder names '${l}', which has no runs`);
    labels = labels.sort((a, b) => (pos.get(a) ?? Infinity) - (pos.get(b) ?? Infinity));
  }

  const rows = labels.map((label) => ({
    label,
    runs: byLabel.get(label)!,
    isBaseline: label === baseline,
    isReference: references.has(label),
    sourceLevel: loosestSourceLevel(byLabel.get(label)!.map((r) => r.tags[TAG.sourceLevel])),
  }));
  return { rows, baseline, warnings };
}

/**
 * The runs that count for one metric in one row: one run per seed (the latest
 * started, when a seed was run twice), among the runs that logged the metric.
 */
export function runsPerSeed(runs: readonly ReportRun[], key: string, seedRef: string): ReportRun[] {
  const bySeed = new Map<string, ReportRun>();
  for (const run of runs) {
    if (!Number.isFinite(run.metrics[key])) continue;
    const seed = readField(run, seedRef) ?? `run:${run.runId}`;
    const prev = bySeed.get(seed);
    if (!prev || run.startTime > prev.startTime) bySeed.set(seed, run);
  }
  return [...bySeed.values()];
}
