import { Rng } from '@kdlab/engine';
import { readImage } from './codec';
import { homographyFromCorners, invertHomography, randomHomographyPair, warpPerspective } from './homography-pair';
import { cropImage } from './image';
import { dataPath } from './root';

const project = (h: number[], x: number, y: number) => {
  const w = h[6] * x + h[7] * y + h[8];
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
};

describe('C2-Matching homography pairs', () => {
  it('homographyFromCorners sends each corner to its target; invertHomography undoes it', () => {
    const src: [number, number][] = [[0, 0], [160, 0], [160, 160], [0, 160]];
    const dst: [number, number][] = [[3, -7], [151, 2], [168, 163], [-9, 155]];
    const h = homographyFromCorners(src, dst);
    src.forEach(([x, y], k) => {
      const [u, v] = project(h, x, y);
      expect(u).toBeCloseTo(dst[k][0], 9);
      expect(v).toBeCloseTo(dst[k][1], 9);
    });
    const back = project(invertHomography(h), ...(project(h, 37, 91) as [number, number]));
    expect(back[0]).toBeCloseTo(37, 9);
    expect(back[1]).toBeCloseTo(91, 9);
    expect(() => homographyFromCorners(src, [[0, 0], [1, 1], [2, 2], [3, 3]])).toThrow('degenerate');
  });

  it('maxShift 0 is the identity: same image, correspondence = pixel grid', () => {
    const img = cropImage(readImage(dataPath('sr/Set5/baby.png')), 100, 100, 40, 48);
    const pair = randomHomographyPair(img, new Rng(1), 0);
    expect(Buffer.from(pair.reference.data).equals(Buffer.from(img.data))).toBe(true);
    expect(pair.correspondence[(5 * 48 + 7) * 2]).toBeCloseTo(7, 5);
    expect(pair.correspondence[(5 * 48 + 7) * 2 + 1]).toBeCloseTo(5, 5);
  });

  it('on a real image the reference at the correspondence shows the same content, corners move by at most maxShift', () => {
    const img = cropImage(readImage(dataPath('sr/Set5/baby.png')), 150, 150, 160, 160);
    const pair = randomHomographyPair(img, new Rng(7), 9);
    const ref = pair.reference;
    let matched = 0;
    let shuffled = 0;
    let n = 0;
    for (let y = 20; y < 140; y += 4) {
      for (let x = 20; x < 140; x += 4) {
        const u = Math.round(pair.correspondence[(y * 160 + x) * 2]);
        const v = Math.round(pair.correspondence[(y * 160 + x) * 2 + 1]);
        const g = (im: typeof img, yy: number, xx: number) => im.data[(yy * 160 + xx) * 3 + 1];
        matched += Math.abs(g(img, y, x) - g(ref, v, u));
        shuffled += Math.abs(g(img, y, x) - g(ref, 159 - v, 159 - u));
        n++;
      }
    }
    expect(matched / n).toBeLessThan(0.25 * (shuffled / n));
    // the pair really moved: some pixel's partner is more than 3 px away from it
    let moves = 0;
    for (let k = 0; k < 160 * 160; k++) moves = Math.max(moves, Math.hypot(pair.correspondence[2 * k] - (k % 160), pair.correspondence[2 * k + 1] - Math.floor(k / 160)));
    expect(moves).toBeGreaterThan(3);
    // the image corners are the control points: view 2's corner (0, 0) samples view 1 at an integer move of at most 9 px
    const moved = project(invertHomography(pair.homography), 0, 0);
    for (const m of moved) {
      expect(Math.abs(m)).toBeLessThanOrEqual(9);
      expect(Math.abs(m - Math.round(m))).toBeLessThan(1e-6);
    }
  });

  it('warpPerspective leaves 0 outside the source image', () => {
    const img = cropImage(readImage(dataPath('sr/Set5/baby.png')), 0, 0, 8, 8);
    const shifted = warpPerspective(img, [1, 0, 100, 0, 1, 0, 0, 0, 1]);
    expect(Math.max(...shifted.data)).toBe(0);
  });
});
