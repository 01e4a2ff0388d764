// Boxes as the OTB protocol writes them: one line per frame, `x,y,w,h` (comma, tab or space
// separated), 1-based: the box covers pixels x .. x+w-1 and y .. y+h-1. VOT polygons (8 values,
// x1,y1,...,x4,y4) are read as the axis-aligned box of the same area, as the VOT toolkit's
// get_axis_aligned_bbox and got10k's VOT loader (_corner2rect) do:
//   centre = mean of the four corners; s = sqrt(|p1p2| * |p2p3| / ((max x - min x) (max y - min y)));
//   w = s (max x - min x) + 1, h = s (max y - min y) + 1; box = (cx - w/2, cy - h/2, w, h).
import * as fs from 'fs';

/** An OTB box (x, y, w, h), 1-based. */
export type Box = [number, number, number, number];

export function polygonToBox(p: number[]): Box {
  const xs = [p[0], p[2], p[4], p[6]];
  const ys = [p[1], p[3], p[5], p[7]];
  const cx = xs.reduce((a, b) => a + b, 0) / 4;
  const cy = ys.reduce((a, b) => a + b, 0) / 4;
  const x1 = Math.min(...xs);
  const x2 = Math.max(...xs);
  const y1 = Math.min(...ys);
  const y2 = Math.max(...ys);
  const area1 = Math.hypot(p[0] - p[2], p[1] - p[3]) * Math.hypot(p[2] - p[4], p[3] - p[5]);
  const area2 = (x2 - x1) * (y2 - y1);
  const s = Math.sqrt(area1 / area2);
  const w = s * (x2 - x1) + 1;
  const h = s * (y2 - y1) + 1;
  return [cx - w / 2, cy - h / 2, w, h];
}

/** Parses OTB box text (4 values a line) or VOT polygons (8 values a line); errors name the file and line. */
export function parseBoxes(text: string, source: string): Box[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines.map((line, i) => {
    const fields = line.trim().split(/[\s,]+/).filter((f) => f.length > 0);
    const values = fields.map(Number);
    const bad = fields.findIndex((f, j) => f.length === 0 || Number.isNaN(values[j]) && f.toLowerCase() !== 'nan');
    if (bad >= 0) throw new Error(`${source}:${i + 1}: ${JSON.stringify(fields[bad])} is not a number`);
    if (values.length === 4) return values as Box;
    if (values.length === 8) return polygonToBox(values);
    throw new Error(`${source}:${i + 1}: expected 4 values (x,y,w,h) or 8 (a polygon), got ${values.length}: ${JSON.stringify(line)}`);
  });
}

export function readBoxes(file: string): Box[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read boxes (${(err as Error).message})`);
  }
  const boxes = parseBoxes(text, file);
  if (boxes.length === 0) throw new Error(`${file}: no boxes`);
  return boxes;
}

/** OTB text: `x,y,w,h` per line with 3 decimals (as got10k records results). */
export function formatBoxes(boxes: Box[]): string {
  return boxes.map((b) => b.map((v) => v.toFixed(3)).join(',')).join('\n') + '\n';
}
