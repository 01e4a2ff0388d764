// The report's qualitative figure: one test image (the first of eval.exampleImages) and, for
// every row of the table, its top-5 captions for that image, correct ones marked. The image is a
// PNG under <outDir>/figures/; the rankings a vega-lite text table (one panel per model).
import * as fs from 'fs';
import * as path from 'path';
import { imresizeBicubic, readImage, repoRoot, writeImage } from '@kdlab/data';
import type { FigureContext, ReproductionFigure } from '@kdlab/runner';
import { EXAMPLES_FILE } from './naming';

interface Examples {
  split: string;
  examples: { image: string; file: string; top5: { caption: string; correct: boolean; score: number }[]; groundTruth: string[] }[];
}

export async function exampleFigures(ctx: FigureContext): Promise<ReproductionFigure[]> {
  const rows: { model: string; order: number; rank: number; caption: string; correct: string }[] = [];
  let query: Examples['examples'][number] | undefined;
  ctx.results.forEach((res, order) => {
    const file = path.join(res.runDir, 'eval', EXAMPLES_FILE);
    if (!fs.existsSync(file)) {
      ctx.log(`figures: ${file} is missing; ${res.method} is left out of the example figure`);
      return;
    }
    const ex = (JSON.parse(fs.readFileSync(file, 'utf8')) as Examples).examples[0];
    if (!ex) return;
    query ??= ex;
    if (ex.image !== query.image) throw new Error(`figures: ${file} ranks captions for ${ex.image}, the other rows for ${query.image}`);
    ex.top5.forEach((t, k) => rows.push({ model: res.method, order, rank: k + 1, caption: t.caption, correct: t.correct ? 'correct (a caption of this image)' : 'wrong' }));
  });
  if (!query) return [];
  const dir = path.join(ctx.outDir, 'figures');
  fs.mkdirSync(dir, { recursive: true });
  const img = readImage(path.resolve(repoRoot(), query.file));
  const png = path.join(dir, 'query.png');
  writeImage(png, img.width > 320 ? imresizeBicubic(img, 320 / img.width) : img);
  return [
    {
      title: `Query image ${query.image}`,
      caption: `A test image of Flickr8k-1k used as an image→text query. Its five human captions: ${query.groundTruth.map((c) => `“${c}”`).join(' ')}`,
      file: png,
    },
    {
      title: 'Top-5 captions per model for the query image',
      caption: 'Each panel is one row of the table; green marks a caption that belongs to the query image (any of its five counts as correct for Recall@K). Cross-encoders re-rank the dual-encoder first stage.',
      vegaLite: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        data: { values: rows },
        facet: { row: { field: 'model', type: 'nominal', sort: { field: 'order' }, header: { labelAngle: 0, labelAlign: 'left', labelLimit: 220, title: null } } },
        spec: {
          width: 720,
          height: 90,
          mark: { type: 'text', align: 'left', x: 5, limit: 710 },
          encoding: {
            y: { field: 'rank', type: 'ordinal', title: 'rank' },
            text: { field: 'caption' },
            color: { field: 'correct', type: 'nominal', scale: { domain: ['correct (a caption of this image)', 'wrong'], range: ['#1a7f37', '#57606a'] }, title: null },
          },
        },
        resolve: { scale: { y: 'independent' } },
      },
    },
  ];
}
