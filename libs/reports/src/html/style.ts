// The report's stylesheet: a paper-like page, tables set with tabular figures.
export const STYLE = `
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #202124; --light: #e8eaed; --gain: #137333; --loss: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); font: 15px/1.5 "Helvetica Neue", Helvetica, Arial, sans-serif; background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 40px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--light); }
h3 { font-size: 15px; margin: 20px 0 6px; }
.lede { color: var(--muted); margin: 0 0 12px; }
nav a { margin-right: 14px; color: #1a56b5; text-decoration: none; }
code, .mono { font-family: "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
.warnings { background: #fff8e1; border-left: 4px solid #f0b400; padding: 8px 14px; margin: 16px 0; }
.warnings li { margin: 2px 0; }
.table-wrap { overflow-x: auto; margin: 10px 0 4px; }
table.results { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13.5px; }
table.results caption { caption-side: top; text-align: left; color: var(--muted); font-size: 13px; padding-bottom: 6px; max-width: 1100px; }
table.results thead tr:first-child th { border-top: 2px solid var(--rule); }
table.results thead tr:last-child th, table.results thead th[rowspan] { border-bottom: 1px solid var(--rule); }
table.results tbody tr:last-child > * { border-bottom: 2px solid var(--rule); }
table.results th, table.results td { padding: 4px 10px; text-align: center; white-space: nowrap; }
table.results th.group { border-bottom: 1px solid #bdc1c6; font-weight: 600; }
table.results th.method { text-align: left; font-weight: 500; }
table.results thead th.method { font-weight: 700; }
table.results tr.baseline > * { background: #f6f8fa; }
table.results tr.reference th.method { font-style: italic; }
table.results .role { color: var(--muted); font-size: 11px; font-weight: 400; font-style: normal; }
td.num strong { font-weight: 700; }
td.num u { text-decoration-thickness: 1.5px; text-underline-offset: 2px; }
td.num .pm { color: var(--muted); font-size: 11px; margin-left: 2px; }
td.num .n { color: var(--muted); margin-left: 2px; }
td.num .delta { display: block; font-size: 11px; line-height: 1.2; }
.delta.gain { color: var(--gain); } .delta.loss { color: var(--loss); } .delta.even, .delta.base { color: var(--muted); }
td.missing { color: var(--muted); }
.legend-note { color: var(--muted); font-size: 12.5px; }
#charts .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 8px 28px; }
figure.chart { margin: 14px 0 22px; min-width: 0; }
figure.picture { margin: 14px 0 22px; }
figure.picture img { max-width: 100%; height: auto; image-rendering: pixelated; border: 1px solid #ddd; }
figure.picture figcaption { color: var(--muted); font-size: 13px; max-width: 760px; }
figure.chart figcaption { color: var(--muted); font-size: 13px; max-width: 760px; }
figure.chart h3 { margin-bottom: 2px; }
.chart-static svg { max-width: 100%; height: auto; }
figure.is-live .chart-static, .chart-live:empty { display: none; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
table.plain { border-collapse: collapse; font-size: 13px; }
table.plain th, table.plain td { text-align: left; padding: 3px 12px 3px 0; vertical-align: top; border-bottom: 1px solid var(--light); }
.runs a { margin-right: 6px; }
details summary { cursor: pointer; color: #1a56b5; }
footer { margin-top: 48px; color: var(--muted); font-size: 12px; }
`;
