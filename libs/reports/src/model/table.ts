// A paper-style results table: rows (methods) × columns (dataset × scale ×
// metric), each cell mean ± std over seeds with n, Δ against the baseline row,
// and the best/second rank of its column.
import type { ReportRun } from '../run';
import type { ReportSpec, TableSpec } from '../spec';
import { tableColumns, type Column } from './columns';
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
  const columns = tableColumns(runs, spec, tableSpec);
  const rows: TableRow[] = groups.rows.map((g) => ({
    label: g.label,
    isBaseline: g.isBaseline,
    isReference: g.isReference,
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

/** The spec's tables, or the default: one table `results` over every dataset and scale. */
export function tableSpecs(spec: ReportSpec): TableSpec[] {
  return spec.tables ?? [{ id: 'results', metrics: ['psnr', 'ssim'], extras: ['model/params', 'model/flops'] }];
}
