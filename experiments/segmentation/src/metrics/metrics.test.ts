// Pixel and GlaS object metrics on small hand-made masks whose answers are worked out
// by hand in the comments, and against golden/object_metrics.json, computed
// independently with scikit-image's label and SciPy's directed_hausdorff
// (golden/gen_object_metrics.py).
import * as fs from 'fs';
import * as path from 'path';
import { label8 } from './components';
import { accumulate, emptyConfusion, pixelMetrics } from './confusion';
import { squaredDistanceTransform } from './hausdorff';
import { objectMetrics } from './objects';

/** A mask from rows of '.' and '#'. */
function mask(rows: string[]): { m: Uint8Array; h: number; w: number } {
  const h = rows.length, w = rows[0].length;
  return { m: Uint8Array.from(rows.join('').split('').map((c) => (c === '#' ? 1 : 0))), h, w };
}

function rect(h: number, w: number, boxes: [number, number, number, number][]): Uint8Array {
  const m = new Uint8Array(h * w);
  for (const [y0, x0, y1, x1] of boxes) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) m[y * w + x] = 1;
  return m;
}

describe('pixel metrics', () => {
  it('counts a hand-made confusion: tp 2, fp 1, fn 1, tn 4', () => {
    const pred = Uint8Array.from([1, 1, 1, 0, 0, 0, 0, 0]);
    const truth = Uint8Array.from([1, 1, 0, 1, 0, 0, 0, 0]);
    const c = accumulate(emptyConfusion(), pred, truth);
    expect(c).toEqual({ tp: 2, fp: 1, fn: 1, tn: 4 });
    const m = pixelMetrics(c);
    expect(m.dice).toBeCloseTo(4 / 6, 12); // 2tp / (2tp + fp + fn)
    expect(m.iou).toBeCloseTo(2 / 4, 12);
    expect(m.pixel_acc).toBeCloseTo(6 / 8, 12);
    expect(m.miou).toBeCloseTo((2 / 4 + 4 / 6) / 2, 12); // background IoU = tn / (tn + fp + fn)
  });

  it('refuses maps of different sizes', () => {
    expect(() => accumulate(emptyConfusion(), new Uint8Array(3), new Uint8Array(4))).toThrow(/3 pixels, ground truth 4/);
  });
});

describe('connected components (8-connectivity)', () => {
  it('joins diagonal neighbours and separates what does not touch', () => {
    const { m, h, w } = mask(['#...#', '.#..#', '..#..', '.....', '##..#']);
    const c = label8(m, h, w);
    expect(c.count).toBe(4); // the diagonal, the right column pair, the bottom-left pair, the lone corner pixel
    expect(c.area).toEqual([3, 2, 2, 1]);
    expect(c.bbox[0]).toEqual([0, 0, 2, 2]);
  });

  it('merges a U shape whose arms meet only at the bottom (needs the union step)', () => {
    const { m, h, w } = mask(['#.#', '#.#', '###']);
    expect(label8(m, h, w).count).toBe(1);
  });
});

describe('distance transform', () => {
  it('gives squared Euclidean distances to the nearest set pixel', () => {
    const on = new Uint8Array(5 * 5);
    on[0] = 1; // (0, 0)
    const d = squaredDistanceTransform(on, 5, 5);
    expect(d[4 * 5 + 4]).toBe(32);
    expect(d[2 * 5 + 1]).toBe(5);
  });
});

describe('GlaS object metrics', () => {
  it('identical masks: object Dice 1, object Hausdorff 0', () => {
    const m = rect(10, 12, [[1, 1, 4, 4], [6, 7, 8, 10]]);
    expect(objectMetrics(m, m, 10, 12)).toMatchObject({ objDice: 1, objHausdorff: 0, gObjects: 2, sObjects: 2 });
  });

  it('a 4x4 square shifted right by 2: Dice 2*8/32 = 0.5 both ways, Hausdorff 2', () => {
    const g = rect(6, 10, [[1, 1, 4, 4]]);
    const s = rect(6, 10, [[1, 3, 4, 6]]);
    const r = objectMetrics(s, g, 6, 10);
    expect(r.objDice).toBeCloseTo(0.5, 12);
    expect(r.objHausdorff).toBeCloseTo(2, 12);
  });

  it('a missed small gland: Dice (0.8 + 1) / 2, Hausdorff from the nearest object (0.2 * sqrt(104)) / 2', () => {
    // G1 = rows 0-3, cols 0-3 (16 px); G2 = rows 0-1, cols 10-11 (4 px); S = G1 exactly.
    const g = rect(6, 14, [[0, 0, 3, 3], [0, 10, 1, 11]]);
    const s = rect(6, 14, [[0, 0, 3, 3]]);
    const r = objectMetrics(s, g, 6, 14);
    // G side: 16/20 * 1 + 4/20 * 0; S side: 1 * 1.
    expect(r.objDice).toBeCloseTo((0.8 + 1) / 2, 12);
    // H(G2, S1): S1's pixel (3, 0) is sqrt(2^2 + 10^2) from G2's nearest pixel (1, 10); G2's pixels are at most 8 from S1.
    expect(r.objHausdorff).toBeCloseTo((0.2 * Math.sqrt(104) + 0) / 2, 12);
  });

  it('two predicted objects on one gland: each is scored against the gland, the gland against the larger overlap', () => {
    // G = rows 0-1, cols 0-5 (12 px); S1 = cols 0-1 (4 px), S2 = cols 3-5 (6 px).
    const g = rect(2, 6, [[0, 0, 1, 5]]);
    const s = rect(2, 6, [[0, 0, 1, 1], [0, 3, 1, 5]]);
    const r = objectMetrics(s, g, 2, 6);
    // G side: Dice(G, S2) = 12/18. S side: 0.4 * Dice(G, S1) + 0.6 * Dice(G, S2) = 0.4 * 8/16 + 0.6 * 12/18.
    expect(r.objDice).toBeCloseTo((12 / 18 + 0.4 * 0.5 + 0.6 * (12 / 18)) / 2, 12);
    // H(G, S2) = 3 (col 0 to col 3); H(G, S1) = 4 (col 5 to col 1). G side 3; S side 0.4 * 4 + 0.6 * 3.
    expect(r.objHausdorff).toBeCloseTo((3 + 0.4 * 4 + 0.6 * 3) / 2, 12);
  });

  it('no predicted object: Dice 0 and the image diagonal; neither map has objects: 1 and 0', () => {
    const g = rect(6, 8, [[1, 1, 2, 2]]);
    expect(objectMetrics(new Uint8Array(48), g, 6, 8)).toMatchObject({ objDice: 0, objHausdorff: 10 });
    expect(objectMetrics(new Uint8Array(48), new Uint8Array(48), 6, 8)).toMatchObject({ objDice: 1, objHausdorff: 0 });
  });

  const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '../../golden/object_metrics.json'), 'utf8')) as {
    cases: { name: string; height: number; width: number; pred: string; truth: string; obj_dice: number; obj_hausdorff: number; g_objects: number; s_objects: number }[];
  };
  const bits = (s: string) => Uint8Array.from(s.split('').map(Number));

  it.each(golden.cases.map((c) => [c.name, c] as const))('%s equals scikit-image + SciPy', (_n, c) => {
    const r = objectMetrics(bits(c.pred), bits(c.truth), c.height, c.width);
    expect(r.gObjects).toBe(c.g_objects);
    expect(r.sObjects).toBe(c.s_objects);
    expect(r.objDice).toBeCloseTo(c.obj_dice, 10);
    expect(r.objHausdorff).toBeCloseTo(c.obj_hausdorff, 10);
  });
});
