// A result table as HTML: grouped headers (scale > dataset > metric), best
// in bold, second underlined, ± std, Δ against the baseline, n seeds.
import type { Column } from '../model/columns';
import { columnLabel, deltaIsGain, formatDelta, formatValue, metricLabel } from '../model/format';
import type { Cell, ResultTable, TableRow } from '../model/table';
import { html, type SafeHtml } from './escape';

interface Group {
  label: string;
  span: number;
}

/** Consecutive columns with the same value of `key` form one header group. */
function groups(cols: Column[], key: (c: Column) => string): Group[] {
  const out: Group[] = [];
  for (const c of cols) {
    const label = key(c);
    const last = out[out.length - 1];
    if (last && last.label === label) last.span += 1;
    else out.push({ label, span: 1 });
  }
  return out;
}

function header(t: ResultTable): SafeHtml {
  const evalCols = t.columns.filter((c) => c.kind === 'eval' && c.dataset !== undefined);
  const single = t.columns.filter((c) => !(c.kind === 'eval' && c.dataset !== undefined));
  const arrow = (c: Column) => (c.ranked ? (c.direction === 'higher' ? '\u2191' : '\u2193') : '');
  const withScale = evalCols.some((c) => c.scale !== undefined);
  const depth = withScale ? 3 : 2;
  const lead = html`<th rowspan="${depth}" class="method" scope="col">Method</th><th rowspan="${depth}" scope="col" title="seeds per row (largest n over the row's cells)">n</th>`;
  const tail = single.map((c) => html`<th rowspan="${depth}" scope="col">${metricLabel(columnLabel(c))}${arrow(c)}</th>`);
  // Columns are ordered scale > dataset > metric (model/columns.ts).
  const scaleRow = groups(evalCols, (c) => (c.scale === undefined ? '' : `\u00d7${c.scale}`)).map((g) => html`<th colspan="${g.span}" scope="colgroup" class="group">${g.label}</th>`);
  const dsRow = groups(evalCols, (c) => `${c.scale}\u0000${c.dataset}`).map((g) => html`<th colspan="${g.span}" scope="colgroup" class="group">${g.label.split('\u0000')[1]}</th>`);
  const metricRow = evalCols.map((c) => html`<th scope="col">${metricLabel(c.metric)}${arrow(c)}</th>`);
  if (evalCols.length === 0) {
    return html`<tr><th class="method" scope="col">Method</th><th scope="col">n</th>${single.map((c) => html`<th scope="col">${metricLabel(columnLabel(c))}${arrow(c)}</th>`)}</tr>`;
  }
  if (!withScale) return html`<tr>${lead}${dsRow}${tail}</tr><tr>${metricRow}</tr>`;
  return html`<tr>${lead}${scaleRow}${tail}</tr><tr>${dsRow}</tr><tr>${metricRow}</tr>`;
}

function rowSeeds(row: TableRow): number {
  return Math.max(0, ...row.cells.map((c) => c.stat?.n ?? 0));
}

function cell(col: Column, c: Cell, seeds: number): SafeHtml {
  if (!c.stat) return html`<td class="num missing" title="no run logged ${col.key}">\u2013</td>`;
  const { mean, std, n } = c.stat;
  const value = formatValue(col, mean);
  const shown = c.rank === 1 ? html`<strong>${value}</strong>` : c.rank === 2 ? html`<u>${value}</u>` : html`${value}`;
  // Model size does not vary over seeds; a "±0" there is noise.
  const pm = std === null || (col.kind === 'extra' && std === 0) ? '' : html`<span class="pm">\u00b1${formatValue(col, std)}</span>`;
  const nMark = n !== seeds ? html`<sub class="n" title="${n} seeds in this cell">n=${n}</sub>` : '';
  const gain = c.delta === undefined ? undefined : deltaIsGain(col, c.delta);
  const delta =
    c.delta === undefined ? ''
    : html`<span class="delta ${gain === undefined ? 'even' : gain ? 'gain' : 'loss'}">${formatDelta(col, c.delta)}</span>`;
  const title = `${col.key}: mean ${mean.toPrecision(8)}${std === null ? '' : ` \u00b1 ${std.toPrecision(4)} (sample std)`}, n=${n}${c.delta === undefined ? '' : `, \u0394 vs baseline ${c.delta.toPrecision(4)}`}${c.rank ? `, rank ${c.rank}` : ''}`;
  return html`<td class="num${c.rank ? ` r${c.rank}` : ''}" title="${title}">${shown}${pm}${nMark}${delta}</td>`;
}

/** The marker of a row whose method is an abstract-only reading, explained in the footnote under the table. */
export const ABSTRACT_ONLY_MARK = '\u2020';

function sourceFootnote(t: ResultTable): SafeHtml | '' {
  const marked = t.rows.filter((r) => r.sourceLevel === 'abstract-only').map((r) => r.label);
  if (marked.length === 0) return '';
  return html`<p class="footnote source-note" data-source-note="${t.id}">${ABSTRACT_ONLY_MARK} Abstract-only reading (${marked.join(', ')}): only the paper's abstract was available; every detail of the method is our choice (see docs/METHODS.md), so these rows are not reproductions of the paper's numbers.</p>`;
}

export function tableHtml(t: ResultTable, caption: SafeHtml): SafeHtml {
  const body = t.rows.map((row) => {
    const seeds = rowSeeds(row);
    const cls = [row.isBaseline ? 'baseline' : '', row.isReference ? 'reference' : ''].filter(Boolean).join(' ');
    const role = row.isBaseline ? html` <span class="role">baseline</span>` : row.isReference ? html` <span class="role">reference, not ranked</span>` : '';
    const mark = row.sourceLevel === 'abstract-only' ? html`<sup class="source-mark" title="abstract-only reading: not a reproduction (see the note under the table)">${ABSTRACT_ONLY_MARK}</sup>` : '';
    return html`<tr class="${cls}"${row.sourceLevel ? html` data-source-level="${row.sourceLevel}"` : ''}><th scope="row" class="method">${row.label}${mark}${role}</th><td class="num">${seeds}</td>${t.columns.map((c, j) => cell(c, row.cells[j], seeds))}</tr>`;
  });
  return html`<div class="table-wrap"><table class="results" id="table-${t.id}" data-table="${t.id}"><caption>${caption}</caption><thead>${header(t)}</thead><tbody>${body}</tbody></table>${sourceFootnote(t)}</div>`;
}
