// A domain's figures reach the page: PNGs inlined as data: URIs, vega-lite specs drawn as charts.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeImage } from '@kdlab/data';
import { buildReport } from './build';
import { prepareFigures } from './figures';
import { syntheticRuns } from './fixtures/synthetic';

describe('report figures', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-figures-'));
  const png = path.join(dir, 'slice.png');
  const data = new Uint8Array(4 * 6 * 3).map((_, i) => (i * 37) % 256);
  writeImage(png, { data, height: 4, width: 6, channels: 3 });
  const chart = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: [{ t: 0, s: 1 }, { t: 0.5, s: 0.6 }, { t: 1, s: 0 }] },
    mark: 'line',
    encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 's', type: 'quantitative' } },
  };

  it('embeds the PNG bytes and draws the vega-lite figure as an SVG chart', async () => {
    const out = path.join(dir, 'report');
    const res = await buildReport({
      runs: syntheticRuns({ seeds: 2 }),
      outDir: out,
      interactive: false,
      figures: [
        { title: 'One slice <b>', caption: 'NDCT / LDCT', file: png },
        { title: 'Success plot', caption: 'OTB success', vegaLite: chart },
      ],
    });
    const page = fs.readFileSync(res.indexHtml, 'utf8');
    expect(page).toContain(`src="data:image/png;base64,${fs.readFileSync(png).toString('base64')}"`);
    expect(page).toContain('One slice &lt;b&gt;');
    expect(page).toMatch(/<section id="figures">[\s\S]*id="chart-figure-1"[\s\S]*<svg/);
    expect(res.charts.map((c) => c.id)).toContain('figure-1');
  });

  it('a report without figures has no Figures section', async () => {
    const res = await buildReport({ runs: syntheticRuns({ seeds: 2 }), outDir: path.join(dir, 'plain'), interactive: false });
    expect(fs.readFileSync(res.indexHtml, 'utf8')).not.toContain('id="figures"');
  });

  it('a missing or non-PNG file is an error naming it', () => {
    const bad = path.join(dir, 'not.png');
    fs.writeFileSync(bad, 'hello');
    expect(() => prepareFigures([{ title: 'x', caption: '', file: bad }])).toThrow(`${bad} is not a PNG file`);
    expect(() => prepareFigures([{ title: 'y', caption: '', file: path.join(dir, 'gone.png') }])).toThrow(/gone\.png does not exist/);
  });
});
