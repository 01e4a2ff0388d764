// A paper-style results table: rows (methods) × columns (dataset × scale ×
// metric), each cell mean ± std over seeds with n, Δ against the baseline row,
// and the best/second rank of its column.
import { parseEvalKey } from '../convention';
import type { ReportRun } from '../run';
import type { ReportSpec, TableSpec } from '../spec';
import { evalKeysIn, tableColumns, type Column } from './columns';
import { rankColumn, type Rank } from './rank';
import { groupRows, runsPerSeed, type RowGroup } from './rows';
import { summarize, type Stat } from './stats';

export interface Cell {
  stat?: Stat;
  /** Row mean − baseline mean (absent on the baseline row and when either is missing). */
  delta?: number;
  rank?: Rank;
  runIds: string[];
}

export interface TableRow {
  label: string;
  isBaseline: boolean;
  isReference: boolean;
  /** official-code | paper | abstract-only, from the runs' kdlab.source_level (see RowGroup). */
  sourceLevel?: string;
  cells: Cell[];
}

export interface ResultTable {
  id: string;
  title: string;
  columns: Column[];
  rows: TableRow[];
  baseline?: string;
}

function cellFor(group: RowGroup, col: Column, seedRef: string): Cell {
  const runs = runsPerSeed(group.runs, col.key, seedRef);
  if (runs.length === 0) return { runIds: [] };
  return { stat: summarize(runs.map((r) => r.metrics[col.key])), runIds: runs.map((r) => r.runId) };
}

export function buildTable(runs: readonly ReportRun[], spec: ReportSpec, tableSpec: TableSpec, groups = groupRows(runs, spec)): ResultTable {
  // A table for some scales only holds the runs evaluated at those scales
  // (model size differs per scale); rows with none are left out.
  const inScope = (r: ReportRun) => !tableSpec.scales || Object.keys(r.metrics).some((k) => tableSpec.scales!.includes(parseEvalKey(k)?.scale ?? -1));
  const scoped = groups.rows.map((g) => ({ ...g, runs: g.runs.filter(inScope) })).filter((g) => g.runs.length > 0);
  const columns = tableColumns(runs.filter(inScope), spec, tableSpec);
  const rows: TableRow[] = scoped.map((g) => ({
    label: g.label,
    isBaseline: g.isBaseline,
    isReference: g.isReference,
    sourceLevel: g.sourceLevel,
    cells: columns.map((c) => cellFor(g, c, spec.seed)),
  }));
  const base = rows.find((r) => r.isBaseline);
  columns.forEach((col, j) => {
    if (base && col.kind === 'eval') {
      const b = base.cells[j].stat;
      for (const row of rows) {
        const s = row.cells[j].stat;
        if (row !== base && b && s) row.cells[j].delta = s.mean - b.mean;
      }
    }
    if (!col.ranked) return;
    const ranks = rankColumn(rows.map((r) => r.cells[j].stat?.mean), col.direction, col.decimals, rows.map((r) => !r.isReference));
    ranks.forEach((rank, i) => {
      if (rank) rows[i].cells[j].rank = rank;
    });
  });
  return { id: tableSpec.id, title: tableSpec.title ?? 'Results', columns, rows, baseline: groups.baseline };
}

/**
 * The spec's tables, or the default: one table per scale (as SR papers print
 * ×2, ×3, ×4 blocks), or a single `results` table when there is one scale or none.
 */
export function tableSpecs(spec: ReportSpec, runs: readonly ReportRun[] = []): TableSpec[] {
  if (spec.tables) return spec.tables;
  const base = { extras: ['model/params', 'model/flops'] };
  const scales = [...new Set(evalKeysIn(runs).map((k) => k.scale))].filter((s): s is number => s !== undefined).sort((a, b) => a - b);
  if (scales.length < 2) return [{ id: 'results', ...base }];
  return scales.map((scale) => ({ id: `x${scale}`, title: `Results at ×${scale}`, scales: [scale] as [number, ...number[]], ...base }));
}
