import { loadRefPair } from '@kdlab/data';
import { correspondenceAccuracy, projectPoint, type PointMatch } from './correspondence';

describe('correspondenceAccuracy', () => {
  // x' = 2x + 10, y' = y - 5 (an affine homography, hand-checkable)
  const h = [2, 0, 10, 0, 1, -5, 0, 0, 1];

  it('counts matches within 1, 2, 4 px of the homography projection', () => {
    const at = (x: number, y: number, dx: number, dy: number): PointMatch => ({ x1: x, y1: y, x2: 2 * x + 10 + dx, y2: y - 5 + dy });
    const matches = [
      at(0, 0, 0, 0), //     error 0
      at(3, 7, 1, 0), //     error 1 (on the threshold: counts)
      at(5, 5, 0, -2), //    error 2
      at(1, 2, 3, 4), //     error 5 (3-4-5)
    ];
    const acc = correspondenceAccuracy(matches, h);
    expect(acc.matches).toBe(4);
    expect(acc.within).toEqual([
      { threshold: 1, fraction: 2 / 4 },
      { threshold: 2, fraction: 3 / 4 },
      { threshold: 4, fraction: 3 / 4 },
    ]);
    expect(acc.medianError).toBeCloseTo(1.5, 12);
  });

  it('projects through the perspective division', () => {
    // w = 0.5x + 1: (2, 4) -> (2/2, 4/2)
    expect(projectPoint([1, 0, 0, 0, 1, 0, 0.5, 0, 1], 2, 4)).toEqual([1, 2]);
    expect(projectPoint([1, 0, 0, 0, 1, 0, -1, 0, 1], 2, 0)).toBeNull();
  });

  it('names bad input', () => {
    expect(() => correspondenceAccuracy([], h)).toThrow('no matches');
    expect(() => correspondenceAccuracy([{ x1: 0, y1: NaN, x2: 0, y2: 0 }], h)).toThrow('matches[0].y1 is NaN');
    expect(() => correspondenceAccuracy([{ x1: 0, y1: 0, x2: 0, y2: 0 }], [1, 0, 0])).toThrow('homography: expected 9');
  });

  it('graf1 -> graf3: identity matching scores badly, the ground-truth projection scores 1', () => {
    const graf = loadRefPair('graf');
    const H = graf.homography!;
    const identity: PointMatch[] = [];
    const truth: PointMatch[] = [];
    for (let y = 16; y < graf.input.height; y += 32) {
      for (let x = 16; x < graf.input.width; x += 32) {
        const p = projectPoint(H, x, y)!;
        if (p[0] < 0 || p[1] < 0 || p[0] >= graf.reference.width || p[1] >= graf.reference.height) continue;
        identity.push({ x1: x, y1: y, x2: x, y2: y });
        truth.push({ x1: x, y1: y, x2: p[0], y2: p[1] });
      }
    }
    expect(truth.length).toBeGreaterThan(100);
    expect(correspondenceAccuracy(truth, H).within.map((w) => w.fraction)).toEqual([1, 1, 1]);
    const id = correspondenceAccuracy(identity, H);
    expect(id.within[2].fraction).toBeLessThan(0.05);
    expect(id.medianError).toBeGreaterThan(20);
  });
});
