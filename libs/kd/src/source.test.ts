// Every registered loss and every non-loss method (hint selection) says where it comes from;
// the abstract-only readings are the ones issue 9 names, so a level cannot drift silently.
import { listLosses, lossSource, listMethodSources, registerLoss } from './index';
import { z } from 'zod';

describe('method sources', () => {
  it('every registered loss declares level, reference and deviations', () => {
    for (const kind of listLosses()) {
      const s = lossSource(kind);
      expect({ kind, level: s?.level }).toEqual({ kind, level: expect.stringMatching(/^(official-code|paper|abstract-only)$/) });
      expect(s!.reference.length).toBeGreaterThan(10);
      expect(Array.isArray(s!.deviations)).toBe(true);
    }
  });

  it('FACD, LSFD and MIMKD are abstract-only readings; clustered hints too', () => {
    for (const kind of ['facd', 'lsfd', 'mimkd']) expect(lossSource(kind)!.level).toBe('abstract-only');
    const hints = listMethodSources().find((m) => m.name === 'clustered-hints');
    expect(hints?.source.level).toBe('abstract-only');
    expect(lossSource('mimkd')!.reference).toContain('Estimating and Maximizing Mutual Information for Knowledge Distillation');
  });

  it('registering a loss without a source is an error', () => {
    expect(() => (registerLoss as (...a: unknown[]) => void)('no-source', z.object({}), () => null)).toThrow(/source .* is required/);
  });
});
