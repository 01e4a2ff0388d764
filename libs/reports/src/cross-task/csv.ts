// The study's CSVs: every cell of the matrix (measured, skipped with its reason, or missing) with full
// precision, and the pairwise rank agreement. Written with papaparse (formula-safe, like the other report
// CSVs).
import Papa from 'papaparse';
import type { CrossTaskMatrix } from './matrix';
import type { CrossTaskInput } from './model';

const full = (v: number | null | undefined) => (v === null || v === undefined ? '' : Number(v.toPrecision(12)));

export function matrixCsv(m: CrossTaskMatrix, input: CrossTaskInput): string {
  const rows = m.cells.map((c) => {
    const d = input.domains.find((x) => x.id === c.domain)!;
    const l = input.losses.find((x) => x.id === c.loss)!;
    return {
      loss: c.loss,
      loss_label: l.label,
      source_level: l.sourceLevel,
      domain: c.domain,
      metric_key: d.metric.key,
      direction: d.metric.direction,
      state: c.state,
      student_mean: full(c.student?.mean),
      student_std: full(c.student?.std),
      student_n: c.student?.n ?? m.students[c.domain].stat?.n ?? 0,
      with_loss_mean: full(c.withLoss?.mean),
      with_loss_std: full(c.withLoss?.std),
      n: c.withLoss?.n ?? 0,
      raw_delta: full(c.rawDelta),
      change_better_positive: full(c.change),
      change_over_student_std: full(c.changeOverStd),
      seeds: c.seeds.join(' '),
      pending_seeds: c.pendingSeeds.join(' '),
      form: c.form ?? '',
      reason: c.reason ?? '',
      run_ids: c.runIds.join(' '),
    };
  });
  return Papa.unparse(rows, { escapeFormulae: true, newline: '\n' }) + '\n';
}

export function tauCsv(m: CrossTaskMatrix): string {
  return Papa.unparse(m.tau.map((t) => ({ domain_a: t.a, domain_b: t.b, kendall_tau_b: full(t.tau), losses_in_common: t.common })), { escapeFormulae: true, newline: '\n' }) + '\n';
}
