// What the provenance section states, gathered from the runs' tags: each fact
// with how many runs report it, so a mix (two commits, two selections) shows.
import { SELECTIONS, TAG } from '../convention';
import type { ReportRun } from '../run';

export interface Counted {
  value: string;
  runs: number;
}

export interface DataChecksum {
  dataset: string;
  sha256: string;
  files?: number;
  runs: number;
}

export interface Provenance {
  experiments: Counted[];
  gitCommits: Counted[];
  configHashes: Counted[];
  backends: Counted[];
  /** Package -> the versions runs report. */
  versions: Array<{ name: string; values: Counted[] }>;
  dataChecksums: DataChecksum[];
  metricConventions: Counted[];
  selections: Array<Counted & { meaning: string }>;
  /** Runs that lack a provenance tag, by tag. */
  missing: Array<{ tag: string; runs: number }>;
  warnings: string[];
}

function count(values: Iterable<string>): Counted[] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()].map(([value, runs]) => ({ value, runs })).sort((a, b) => b.runs - a.runs || a.value.localeCompare(b.value));
}

function parseJsonTag(run: ReportRun, tag: string, warnings: Set<string>): Record<string, unknown> | undefined {
  const text = run.tags[tag];
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  warnings.add(`tag ${tag} is not a JSON object on some runs (e.g. ${run.runId})`);
  return undefined;
}

const tagValues = (runs: readonly ReportRun[], tag: string) => runs.map((r) => r.tags[tag]).filter((v): v is string => v !== undefined && v !== '');

export function gatherProvenance(runs: readonly ReportRun[]): Provenance {
  const warnings = new Set<string>();

  const versionSets = new Map<string, string[]>();
  for (const run of runs) {
    const v = parseJsonTag(run, TAG.versions, warnings);
    if (v) for (const [name, version] of Object.entries(v)) versionSets.set(name, [...(versionSets.get(name) ?? []), String(version)]);
  }

  // kdlab.data_checksums: {"Set5": "<sha256>"} or {"Set5": {"sha256": "...", "files": 5}}.
  const sums = new Map<string, DataChecksum>();
  for (const run of runs) {
    const d = parseJsonTag(run, TAG.dataChecksums, warnings);
    if (!d) continue;
    for (const [dataset, v] of Object.entries(d)) {
      const obj = v && typeof v === 'object' ? (v as { sha256?: unknown; files?: unknown }) : undefined;
      const sha256 = String(obj ? obj.sha256 ?? '' : v);
      const files = obj && typeof obj.files === 'number' ? obj.files : undefined;
      const k = `${dataset}\u0000${sha256}`;
      const prev = sums.get(k);
      sums.set(k, { dataset, sha256, files, runs: (prev?.runs ?? 0) + 1 });
    }
  }
  const checksums = [...sums.values()].sort((a, b) => a.dataset.localeCompare(b.dataset) || b.runs - a.runs);
  for (const ds of new Set(checksums.map((c) => c.dataset))) {
    if (checksums.filter((c) => c.dataset === ds).length > 1) warnings.add(`runs disagree on the checksum of dataset ${ds}`);
  }

  const selections = count(tagValues(runs, TAG.selection)).map((c) => ({ ...c, meaning: SELECTIONS[c.value] ?? 'unknown selection rule' }));
  if (selections.length > 1) warnings.add(`runs use different checkpoint selections (${selections.map((s) => s.value).join(', ')})`);
  const commits = count(tagValues(runs, TAG.gitCommit));
  if (commits.length > 1) warnings.add(`runs come from ${commits.length} git commits`);

  const required = [TAG.gitCommit, TAG.configHash, TAG.backend, TAG.versions, TAG.dataChecksums, TAG.metricConvention, TAG.selection];
  return {
    experiments: count(runs.map((r) => r.experimentName)),
    gitCommits: commits,
    configHashes: count(tagValues(runs, TAG.configHash)),
    backends: count(tagValues(runs, TAG.backend)),
    versions: [...versionSets.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([name, values]) => ({ name, values: count(values) })),
    dataChecksums: checksums,
    metricConventions: count(tagValues(runs, TAG.metricConvention)),
    selections,
    missing: required.map((tag) => ({ tag, runs: runs.filter((r) => r.tags[tag] === undefined).length })).filter((m) => m.runs > 0),
    warnings: [...warnings],
  };
}
