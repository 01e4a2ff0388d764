// Kendall's tau-b against scipy.stats.kendalltau (golden/gen_kendall.py -> golden/kendall.json) and a
// case small enough to count by hand.
import * as fs from 'fs';
import * as path from 'path';
import { kendallTauB } from './kendall';

interface Case { name: string; x: number[]; y: number[]; tau: number | null }
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '../../golden/kendall.json'), 'utf8')) as { cases: Case[] };

describe("Kendall's tau-b", () => {
  it('counts a three-item case by hand: pairs (1,2), (1,3) concordant, (2,3) discordant -> (2 - 1) / 3', () => {
    expect(kendallTauB([1, 2, 3], [1, 3, 2])).toBeCloseTo(1 / 3, 12);
  });

  it('ties: x = [1, 1, 2], y = [1, 2, 3] -> P = 2, Q = 0, T = 1, U = 0 -> 2 / sqrt(3 * 2)', () => {
    expect(kendallTauB([1, 1, 2], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 12);
  });

  it.each(golden.cases.map((c) => [c.name, c] as const))('matches scipy.stats.kendalltau: %s', (_name, c) => {
    const tau = kendallTauB(c.x, c.y);
    if (c.tau === null) expect(tau).toBeNull();
    else expect(tau).toBeCloseTo(c.tau, 12);
  });

  it('golden cases cover ties and undefined values', () => {
    expect(golden.cases.some((c) => c.tau === null)).toBe(true);
    expect(golden.cases.filter((c) => new Set(c.x).size < c.x.length).length).toBeGreaterThan(2);
  });

  it('refuses rankings of different lengths', () => {
    expect(() => kendallTauB([1, 2], [1])).toThrow(/2 scores against 1/);
  });
});
