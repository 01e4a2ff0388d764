// The study's numbers: per (loss, domain) the change against the student alone in the domain's metric,
// signed so that positive is better whatever the metric's direction, that change over the student's
// seed standard deviation, and n; then the pairwise Kendall's tau of the loss rankings between domains
// and a per-loss count of the domains it helps, hurts or leaves within noise.
import { summarize, type Stat } from '../model/stats';
import { kendallTauB } from './kendall';
import type { CrossTaskInput } from './model';

export type CellState = 'measured' | 'skipped' | 'missing';

export interface MatrixCell {
  domain: string;
  loss: string;
  state: CellState;
  reason?: string;
  form?: string;
  student?: Stat;
  withLoss?: Stat;
  /** withLoss.mean - student.mean, in metric units. */
  rawDelta?: number;
  /** rawDelta signed so that positive is better (lower-is-better metrics flipped). */
  change?: number;
  /** change / student's seed std; null when the std is unknown (fewer than 2 seeds) or zero. */
  changeOverStd?: number | null;
  seeds: number[];
  runIds: string[];
  pendingSeeds: number[];
}

export interface TauCell {
  a: string;
  b: string;
  tau: number | null;
  /** Losses measured in both domains (the items ranked). */
  common: number;
}

export interface LossSummary {
  loss: string;
  helps: string[];
  hurts: string[];
  neutral: string[];
  /** Measured, but the student's seed std is unknown (one seed), so no verdict. */
  unknown: string[];
  skipped: string[];
}

export interface CrossTaskMatrix {
  cells: MatrixCell[];
  students: Record<string, { stat?: Stat; seeds: number[]; runIds: string[] }>;
  tau: TauCell[];
  summaries: LossSummary[];
}

export function cellOf(m: CrossTaskMatrix, loss: string, domain: string): MatrixCell {
  const c = m.cells.find((x) => x.loss === loss && x.domain === domain);
  if (!c) throw new Error(`cross-task matrix: no cell for loss ${loss} on ${domain}`);
  return c;
}

/** One observation per (domain, loss, seed): the latest run if a seed ran twice. */
function latestPerSeed(obs: CrossTaskInput['observations']): CrossTaskInput['observations'] {
  const by = new Map<string, CrossTaskInput['observations'][number]>();
  for (const o of obs) {
    const key = `${o.domain}\u0000${o.loss ?? ''}\u0000${o.seed}`;
    const prev = by.get(key);
    if (!prev || o.run.startTime > prev.run.startTime) by.set(key, o);
  }
  return [...by.values()].sort((a, b) => a.seed - b.seed);
}

export function buildMatrix(input: CrossTaskInput): CrossTaskMatrix {
  const obs = latestPerSeed(input.observations);
  const pick = (domain: string, loss: string | null) => obs.filter((o) => o.domain === domain && o.loss === loss && Number.isFinite(o.value));
  const pendingOf = (domain: string, loss: string | null) => input.pending.filter((p) => p.domain === domain && p.loss === loss).map((p) => p.seed);
  const students: CrossTaskMatrix['students'] = {};
  for (const d of input.domains) {
    const s = pick(d.id, null);
    students[d.id] = { stat: s.length ? summarize(s.map((o) => o.value)) : undefined, seeds: s.map((o) => o.seed), runIds: s.map((o) => o.run.runId) };
  }
  const cells: MatrixCell[] = [];
  for (const l of input.losses) {
    for (const d of input.domains) {
      const skip = input.skips.find((x) => x.domain === d.id && x.loss === l.id);
      if (skip) {
        cells.push({ domain: d.id, loss: l.id, state: 'skipped', reason: skip.reason, seeds: [], runIds: [], pendingSeeds: [] });
        continue;
      }
      const o = pick(d.id, l.id);
      const student = students[d.id].stat;
      const base = { domain: d.id, loss: l.id, seeds: o.map((x) => x.seed), runIds: o.map((x) => x.run.runId), pendingSeeds: pendingOf(d.id, l.id), form: o[0]?.form };
      if (o.length === 0 || !student) {
        cells.push({ ...base, state: 'missing', reason: o.length === 0 ? 'no finished run' : 'the student alone has no finished run' });
        continue;
      }
      const withLoss = summarize(o.map((x) => x.value));
      const rawDelta = withLoss.mean - student.mean;
      const change = d.metric.direction === 'higher' ? rawDelta : -rawDelta;
      const changeOverStd = student.std && student.std > 0 ? change / student.std : null;
      cells.push({ ...base, state: 'measured', student, withLoss, rawDelta, change, changeOverStd });
    }
  }
  const matrix: CrossTaskMatrix = { cells, students, tau: [], summaries: [] };
  matrix.tau = rankAgreement(matrix, input);
  matrix.summaries = input.losses.map((l) => summarise(matrix, input, l.id));
  return matrix;
}

/** Pairwise Kendall's tau-b between domains of the losses' changes, over the losses measured in both. */
function rankAgreement(m: CrossTaskMatrix, input: CrossTaskInput): TauCell[] {
  const out: TauCell[] = [];
  for (const a of input.domains) {
    for (const b of input.domains) {
      const pairs = input.losses
        .map((l) => [cellOf(m, l.id, a.id), cellOf(m, l.id, b.id)] as const)
        .filter(([x, y]) => x.state === 'measured' && y.state === 'measured');
      const tau = pairs.length >= 2 ? kendallTauB(pairs.map(([x]) => x.change!), pairs.map(([, y]) => y.change!)) : null;
      out.push({ a: a.id, b: b.id, tau, common: pairs.length });
    }
  }
  return out;
}

function summarise(m: CrossTaskMatrix, input: CrossTaskInput, loss: string): LossSummary {
  const s: LossSummary = { loss, helps: [], hurts: [], neutral: [], unknown: [], skipped: [] };
  for (const d of input.domains) {
    const c = cellOf(m, loss, d.id);
    if (c.state === 'skipped') s.skipped.push(d.id);
    else if (c.state !== 'measured') continue;
    else if (c.changeOverStd === null || c.changeOverStd === undefined) s.unknown.push(d.id);
    else if (c.changeOverStd >= input.noiseThreshold) s.helps.push(d.id);
    else if (c.changeOverStd <= -input.noiseThreshold) s.hurts.push(d.id);
    else s.neutral.push(d.id);
  }
  return s;
}
