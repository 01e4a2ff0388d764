// The FAKD row is the authors' recipe (Vincent-Hoo/Knowledge-Distillation-for-Super-resolution):
// 0.5 L1(S, HR) + 0.5 L1(S, T) + 10 SA (in 0-255 units: 10/255 on [0, 1] images) at the ends of the
// three thirds of EDSR's residual body, split as their EDSR splits it (floor(n/3), floor(2n/3), n,
// the last third ending with the trunk conv). Checked for the quick and the paper model sizes.
import * as path from 'path';
import { loadRunConfig } from '@kdlab/runner';
import { sisrRows } from './reproductions';
import { REPO } from './testing/micro';

/** Their EDSR: body1 = blocks [0, floor(n/3)), body2 up to floor(2n/3), body3 = the rest + the trunk conv. */
function thirdTaps(blocks: number): string[] {
  return [`body.block${Math.floor(blocks / 3) - 1}`, `body.block${Math.floor((2 * blocks) / 3) - 1}`, 'body.conv'];
}

describe('FAKD recipe', () => {
  for (const profile of ['quick', 'paper'] as const) {
    it(`${profile}: 0.5 / 0.5 / 10/255 at the three trunk thirds of student and teacher`, () => {
      const row = sisrRows(profile, 4, [0]).find((r) => r.method === 'student + FAKD')!;
      const config = loadRunConfig(row.files.map((f) => path.join(REPO, f)));
      const blocks = (spec: Record<string, unknown>) => {
        const presets: Record<string, number> = { 'edsr-paper-teacher': 32, 'edsr-paper-student': 16 };
        return (spec.blocks as number | undefined) ?? presets[spec.arch as string];
      };
      const terms = config.kd!.terms;
      expect(terms.filter((t) => t.teacher === 'target' || t.teacher === 'output').map((t) => [t.loss.kind, t.weight, t.teacher])).toEqual([['l1', 0.5, 'target'], ['l1', 0.5, 'output']]);
      const sa = terms.filter((t) => t.loss.kind === 'fakd');
      expect(sa.map((t) => t.student)).toEqual(thirdTaps(blocks('model' in config.student ? config.student.model : {})));
      expect(sa.map((t) => t.teacher)).toEqual(thirdTaps(blocks(config.teacher!.model)));
      for (const t of sa) {
        expect(t.weight).toBeCloseTo(10 / 255, 6);
        expect(t.loss).toEqual({ kind: 'fakd', distance: 'l1' });
      }
      expect(config.source?.level).toBe('official-code');
    });
  }
});
