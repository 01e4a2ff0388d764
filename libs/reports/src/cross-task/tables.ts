// HTML of the study: the matrix (rows losses, columns domains; each cell the change against the student
// alone, that change over the student's seed std, n; coloured by sign and size), the student-alone row,
// the generated summary and the list of skipped cells with their reasons.
import { html, type SafeHtml } from '../html/escape';
import type { CrossTaskMatrix, LossSummary, MatrixCell } from './matrix';
import type { CrossTaskInput } from './model';

const digits = (v: number) => (Math.abs(v) >= 100 ? 1 : Math.abs(v) >= 1 ? 2 : 3);
const fmt = (v: number) => v.toFixed(digits(v));
const signed = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${fmt(Math.abs(v))}`;

/** Background by sign (green better, red worse) and size (|Δ/std| up to 3 saturates). */
function cellStyle(c: MatrixCell): string {
  if (c.state !== 'measured' || c.changeOverStd === null || c.changeOverStd === undefined) return '';
  const a = Math.min(1, Math.abs(c.changeOverStd) / 3) * 0.55 + 0.05;
  const rgb = c.changeOverStd >= 0 ? '19,115,51' : '179,38,30';
  return `background: rgba(${rgb},${a.toFixed(2)})`;
}

function cellHtml(c: MatrixCell, input: CrossTaskInput): SafeHtml {
  if (c.state === 'skipped') return html`<td class="num missing" title="${c.reason ?? ''}">skipped<sup>s</sup></td>`;
  if (c.state === 'missing') return html`<td class="num missing" title="${c.reason ?? ''}">—${c.pendingSeeds.length ? html`<span class="n"> (${c.pendingSeeds.length} pending)</span>` : ''}</td>`;
  const z = c.changeOverStd;
  const d = input.domains.find((x) => x.id === c.domain)!;
  return html`<td class="num" style="${cellStyle(c)}" title="${c.form ?? ''}">${signed(c.change!)}<span class="delta">${z === null || z === undefined ? 'σ n/a' : `${signed(z)} σ`} · n=${c.withLoss!.n}</span><span class="pm">${fmt(c.withLoss!.mean)} ${d.metric.direction === 'higher' ? '↑' : '↓'}</span></td>`;
}

export function lossLabeller(input: CrossTaskInput): (id: string) => string {
  return (id) => {
    const l = input.losses.find((x) => x.id === id)!;
    return l.sourceLevel === 'abstract-only' ? `${l.label} †` : l.label;
  };
}

export function matrixHtml(m: CrossTaskMatrix, input: CrossTaskInput): SafeHtml {
  const label = lossLabeller(input);
  const student = html`<tr class="baseline"><th class="method" scope="row">student alone <span class="role">(mean ± std, n)</span></th>${input.domains.map((d) => {
    const s = m.students[d.id];
    if (!s.stat) return html`<td class="num missing">—</td>`;
    return html`<td class="num">${fmt(s.stat.mean)}${s.stat.std !== null ? html`<span class="pm">± ${fmt(s.stat.std)}</span>` : ''}<span class="n"> n=${s.stat.n}</span></td>`;
  })}</tr>`;
  const rows = input.losses.map((l) => html`<tr><th class="method" scope="row">${label(l.id)}</th>${input.domains.map((d) => cellHtml(m.cells.find((c) => c.loss === l.id && c.domain === d.id)!, input))}</tr>`);
  const abstractOnly = input.losses.filter((l) => l.sourceLevel === 'abstract-only');
  return html`<div class="table-wrap"><table class="results" id="matrix"><caption><strong>Change against the student alone.</strong> Rows: losses; columns: domains and the metric that counts there. Each cell: the change of the mean over seeds against the student alone (signed so that + is better), below it that change divided by the student's seed standard deviation (σ) and n, the seeds with the loss; then the mean with the loss. Green better, red worse, stronger with |Δ/σ| (saturating at 3). Hover a cell for the term and taps used. Checkpoint: the last training step of every run.</caption>
<thead><tr><th class="method">loss</th>${input.domains.map((d) => html`<th>${d.label}<br><span class="role">${d.metric.label} ${d.metric.direction === 'higher' ? '↑' : '↓'}</span></th>`)}</tr></thead>
<tbody>${student}${rows}</tbody></table></div>
<p class="legend-note">${abstractOnly.length ? html`† abstract-only: ${abstractOnly.map((l, i) => html`${i ? '; ' : ''}${l.label} (${l.reference})`)}: only the abstract describes the method, the rest are kdlab's choices; never a reproduction. ` : ''}<sup>s</sup> skipped: the loss does not apply to the domain; the reasons are listed below.</p>`;
}

function names(ids: string[], input: CrossTaskInput): string {
  return ids.map((id) => input.domains.find((d) => d.id === id)!.label).join(', ');
}

function sentence(s: LossSummary, input: CrossTaskInput, label: string): SafeHtml {
  const measured = s.helps.length + s.hurts.length + s.neutral.length + s.unknown.length;
  if (measured === 0) return html`<li><strong>${label}</strong>: no measured domain${s.skipped.length ? ` (skipped in ${s.skipped.length})` : ''}.</li>`;
  const part = (n: string[], what: string) => (n.length ? `${what} in ${n.length} (${names(n, input)})` : `${what} in none`);
  return html`<li><strong>${label}</strong> helps in ${s.helps.length} of ${measured} measured domains${s.helps.length ? ` (${names(s.helps, input)})` : ''}; ${part(s.hurts, 'hurts')}; ${part(s.neutral, 'within noise')}${s.unknown.length ? `; no verdict (one student seed) in ${names(s.unknown, input)}` : ''}${s.skipped.length ? `; skipped in ${s.skipped.length}` : ''}.</li>`;
}

export function summaryHtml(m: CrossTaskMatrix, input: CrossTaskInput): SafeHtml {
  const label = lossLabeller(input);
  const ranked = [...m.summaries].sort((a, b) => b.helps.length - a.helps.length || a.hurts.length - b.hurts.length);
  const most = ranked[0]?.helps.length ?? 0;
  const leaders = ranked.filter((s) => s.helps.length === most).map((s) => label(s.loss));
  const lead =
    most === 0
      ? 'No loss helps in any measured domain by at least the threshold.'
      : leaders.length === 1
        ? `${leaders[0]} helps in the most domains (${most}).`
        : `${leaders.join(', ')} each help in ${most} domain(s), the most of any loss.`;
  return html`<div id="summary"><p>Generated from the matrix: a loss <em>helps</em> (or <em>hurts</em>) a domain when its change is at least ${String(input.noiseThreshold)} seed standard deviation(s) of the student alone in the better (or worse) direction; smaller changes are <em>within noise</em>. ${lead}</p><ul>${ranked.map((s) => sentence(s, input, label(s.loss)))}</ul></div>`;
}

export function skipsHtml(input: CrossTaskInput): SafeHtml {
  if (input.skips.length === 0) return html`<p class="legend-note" id="skips">Every loss applies to every domain of this study.</p>`;
  const label = lossLabeller(input);
  return html`<div class="table-wrap"><table class="plain" id="skips"><thead><tr><th>loss</th><th>domain</th><th>why it is skipped</th></tr></thead><tbody>${input.skips.map(
    (s) => html`<tr><td>${label(s.loss)}</td><td>${input.domains.find((d) => d.id === s.domain)?.label ?? s.domain}</td><td>${s.reason}</td></tr>`,
  )}</tbody></table></div>`;
}
