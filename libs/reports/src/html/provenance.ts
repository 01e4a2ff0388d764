// The provenance section: how every number was obtained.
import { TAG } from '../convention';
import type { Counted, Provenance } from '../model/provenance';
import type { RowGroup } from '../model/rows';
import { readField } from '../model/fields';
import type { ReportRun } from '../run';
import { html, safeHref, type SafeHtml } from './escape';

const listCounted = (items: Counted[], total: number, mono = false): SafeHtml | string =>
  items.length === 0
    ? html`<span class="legend-note">not recorded</span>`
    : html`${items.map((c, i) => html`${i ? '; ' : ''}${mono ? html`<code>${c.value}</code>` : c.value}${items.length > 1 || c.runs !== total ? html` <span class="legend-note">(${c.runs} of ${total} runs)</span>` : ''}`)}`;

export function runUrl(serverUrl: string | undefined, run: ReportRun): string | undefined {
  if (!serverUrl) return undefined;
  return safeHref(`${serverUrl.replace(/\/+$/, '')}/#/experiments/${encodeURIComponent(run.experimentId)}/runs/${encodeURIComponent(run.runId)}`);
}

export function provenanceHtml(p: Provenance, total: number, aggregation: SafeHtml, server: string | undefined): SafeHtml {
  const versions = p.versions.length
    ? html`<table class="plain"><tbody>${p.versions.map((v) => html`<tr><th scope="row">${v.name}</th><td>${listCounted(v.values, total, true)}</td></tr>`)}</tbody></table>`
    : html`<span class="legend-note">not recorded</span>`;
  const sums = p.dataChecksums.length
    ? html`<table class="plain"><thead><tr><th>dataset</th><th>sha256</th><th>files</th><th>runs</th></tr></thead><tbody>${p.dataChecksums.map(
        (d) => html`<tr><td>${d.dataset}</td><td><code>${d.sha256}</code></td><td>${d.files ?? ''}</td><td>${d.runs}</td></tr>`,
      )}</tbody></table>`
    : html`<span class="legend-note">not recorded</span>`;
  const selection = p.selections.length
    ? html`${p.selections.map((s, i) => html`${i ? '; ' : ''}<strong>${s.value}</strong>: ${s.meaning}${p.selections.length > 1 ? html` (${s.runs} runs)` : ''}`)}`
    : html`<span class="legend-note">not recorded (tag ${TAG.selection})</span>`;
  const conventions = p.metricConventions.length
    ? html`${p.metricConventions.map((c) => html`<p>${c.value}${p.metricConventions.length > 1 ? html` <span class="legend-note">(${c.runs} runs)</span>` : ''}</p>`)}`
    : html`<p class="legend-note">not recorded (tag ${TAG.metricConvention})</p>`;
  const missing = p.missing.length
    ? html`<p class="legend-note">Runs without a provenance tag: ${p.missing.map((m, i) => html`${i ? ', ' : ''}<code>${m.tag}</code> (${m.runs})`)}.</p>`
    : '';
  return html`<dl class="facts">
<dt>experiment</dt><dd>${listCounted(p.experiments, total)}</dd>
<dt>tracking server</dt><dd>${server ? html`<code>${server}</code>` : html`<span class="legend-note">a local store (run ids below are not links)</span>`}</dd>
<dt>git commit</dt><dd>${listCounted(p.gitCommits, total, true)}</dd>
<dt>config hash</dt><dd>${listCounted(p.configHashes, total, true)}</dd>
<dt>backend</dt><dd>${listCounted(p.backends, total)}</dd>
<dt>checkpoint selection</dt><dd>${selection}</dd>
</dl>
<h3>Metric convention</h3>${conventions}
<h3 id="aggregation">Aggregation</h3><p>${aggregation}</p>
<h3>Data checksums</h3>${sums}
<h3>Versions</h3>${versions}
${missing}`;
}

/** Per row: its seeds, config hashes and every run id (a link to MLflow when the server is known). */
export function runsHtml(groups: readonly RowGroup[], seedRef: string, serverUrl: string | undefined): SafeHtml {
  const rows = groups.map((g) => {
    const seeds = [...new Set(g.runs.map((r) => readField(r, seedRef)).filter((s): s is string => s !== undefined))].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
    const hashes = [...new Set(g.runs.map((r) => r.tags[TAG.configHash]).filter(Boolean))];
    const links = g.runs.map((r) => {
      const href = runUrl(serverUrl, r);
      const text = r.runId.slice(0, 8);
      const title = `${r.runName} \u2014 ${r.runId} (${r.status})`;
      return href ? html`<a href="${href}" title="${title}" target="_blank" rel="noopener noreferrer">${text}</a>` : html`<code title="${title}">${text}</code> `;
    });
    const runCell = links.length > 12 ? html`<details><summary>${links.length} runs</summary>${links}</details>` : html`${links}`;
    return html`<tr><th scope="row">${g.label}</th><td>${compactSeeds(seeds)}</td><td>${hashes.map((h, i) => html`${i ? ', ' : ''}<code>${h}</code>`)}</td><td class="runs">${runCell}</td></tr>`;
  });
  return html`<table class="plain" id="runs"><thead><tr><th>method</th><th>seeds</th><th>config hash</th><th>MLflow runs</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** "0, 1, 2, 3, 7" -> "0–3, 7": integer seeds as ranges; other seeds listed. */
export function compactSeeds(seeds: string[]): string {
  const ints = seeds.every((s) => /^-?\d+$/.test(s)) ? seeds.map(Number).sort((a, b) => a - b) : undefined;
  if (!ints) return seeds.join(', ');
  const parts: string[] = [];
  for (let i = 0; i < ints.length; ) {
    let j = i;
    while (j + 1 < ints.length && ints[j + 1] === ints[j] + 1) j++;
    parts.push(j - i >= 2 ? `${ints[i]}\u2013${ints[j]}` : ints.slice(i, j + 1).join(', '));
    i = j + 1;
  }
  return parts.join(', ');
}
