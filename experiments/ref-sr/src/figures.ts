// The report's picture: graf1 (left) and graf3 (right) side by side, at half size, with the matches of
// each correspondence row drawn as lines (green: within 4 px of where H1to3p sends the point; red: not),
// read from the runs' eval/matches.json.
import * as fs from 'fs';
import * as path from 'path';
import { createImage, imresizeBicubic, loadRefPair, toRgb, writeImage, type Image, type RefPairName } from '@kdlab/data';
import { reprojectionErrors, type PointMatch } from '@kdlab/metrics';
import type { FigureContext, ReproductionFigure } from '@kdlab/runner';
import { MATCHES_FILE } from './naming';

interface MatchesFile {
  pair: string;
  homography: number[];
  matches: PointMatch[];
}

function setPixel(img: Image, x: number, y: number, c: [number, number, number]): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const at = (y * img.width + x) * 3;
  [img.data[at], img.data[at + 1], img.data[at + 2]] = c;
}

function drawLine(img: Image, x0: number, y0: number, x1: number, y1: number, c: [number, number, number]): void {
  const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
  for (let k = 0; k <= n; k++) setPixel(img, Math.round(x0 + ((x1 - x0) * k) / n), Math.round(y0 + ((y1 - y0) * k) / n), c);
}

/** The two views side by side at scale `s`, with every `every`-th match drawn. */
export function drawMatches(view1: Image, view2: Image, file: MatchesFile, s = 0.5, every = 7): Image {
  const a = imresizeBicubic(toRgb(view1), s);
  const b = imresizeBicubic(toRgb(view2), s);
  const out = createImage(Math.max(a.height, b.height), a.width + b.width, 3);
  for (const [img, dx] of [[a, 0], [b, a.width]] as const) {
    for (let y = 0; y < img.height; y++) out.data.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), (y * out.width + dx) * 3);
  }
  const errors = reprojectionErrors(file.matches, file.homography);
  file.matches.forEach((m, k) => {
    if (k % every) return;
    drawLine(out, m.x1 * s, m.y1 * s, a.width + m.x2 * s, m.y2 * s, errors[k] <= 4 ? [40, 220, 60] : [230, 40, 40]);
  });
  return out;
}

export async function matchFigures(ctx: FigureContext): Promise<ReproductionFigure[]> {
  const figures: ReproductionFigure[] = [];
  for (const r of ctx.results) {
    const file = path.join(r.runDir, 'eval', MATCHES_FILE);
    if (!fs.existsSync(file)) continue;
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as MatchesFile;
    const pair = loadRefPair(m.pair as RefPairName);
    const out = path.join(ctx.outDir, 'figures', `matches-${r.name}.png`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    writeImage(out, drawMatches(pair.input, pair.reference, m));
    const good = reprojectionErrors(m.matches, m.homography).filter((e) => e <= 4).length;
    figures.push({
      file: out,
      title: `${r.method}: matches on ${m.pair}1 → ${m.pair}3`,
      caption: `Every 7th of ${m.matches.length} matches (every 4th feature cell of view 1, searched over all reference cells); green: within 4 px of the ground-truth homography (${good} of ${m.matches.length} in all), red: not. View 1 as the model sees it in the table; shown here at HR.`,
    });
  }
  return figures;
}
