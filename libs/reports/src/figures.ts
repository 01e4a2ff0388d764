// Figures a domain adds to its report: qualitative pictures (a CT slice, a spectrogram, tracked boxes)
// as PNG files, or vega-lite specs with inline data (drawn like every other chart: static SVG, then
// interactive). PNGs are inlined as data: URIs so the report stays one self-contained file.
import * as fs from 'fs';
import type { TopLevelSpec } from 'vega-lite';
import type { ChartDef } from './charts/chart';

export type ReportFigure = { title: string; caption: string } & ({ file: string } | { vegaLite: object });

export interface ImageFigure {
  title: string;
  caption: string;
  /** `data:image/png;base64,...` */
  dataUri: string;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Splits figures into inline images and charts; a missing or non-PNG file is an error naming it. */
export function prepareFigures(figures: readonly ReportFigure[]): { images: ImageFigure[]; charts: ChartDef[] } {
  const images: ImageFigure[] = [];
  const charts: ChartDef[] = [];
  figures.forEach((f, i) => {
    if ('file' in f) {
      if (!fs.existsSync(f.file)) throw new Error(`report figure '${f.title}': file ${f.file} does not exist`);
      const bytes = fs.readFileSync(f.file);
      if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error(`report figure '${f.title}': ${f.file} is not a PNG file`);
      images.push({ title: f.title, caption: f.caption, dataUri: `data:image/png;base64,${bytes.toString('base64')}` });
    } else {
      charts.push({ id: `figure-${i}`, title: f.title, caption: f.caption, spec: f.vegaLite as TopLevelSpec });
    }
  });
  return { images, charts };
}
