// The classification rows follow the released code they name: CRD/RepDistiller's FitNet (one hint at
// the stage-2 output, ConvReg, beta 100) and AT (three stage outputs, beta 1000), MCL's CIFAR tau 0.1.
import * as path from 'path';
import { repoRoot } from '@kdlab/data';
import { lossOptions } from '@kdlab/kd';
import { loadRunConfig } from '@kdlab/runner';
import { clsQuick } from './reproductions';

const config = (method: string) => {
  const row = clsQuick.rows.find((r) => r.method === method)!;
  return loadRunConfig(row.files.map((f) => path.join(repoRoot(), f)));
};
const distill = (method: string) => config(method).kd!.terms.filter((t) => t.teacher !== 'target');

describe('classification recipes', () => {
  it("FitNet is CRD's: CE + 100 x MSE(ConvReg(student stage2), teacher stage2)", () => {
    expect(distill('student + FitNet').map((t) => [t.loss.kind, t.weight, t.student, t.teacher, t.adapter?.kind])).toEqual([['fitnet', 100, 'stage2', 'stage2', 'convreg']]);
    expect(lossOptions({ kind: 'fitnet' })).toEqual({ distance: 'l2' });
    // The three-hint variant keeps its own name.
    expect(distill('student + FitNet (3 stage hints)').map((t) => t.student)).toEqual(['stage1', 'stage2', 'stage3']);
  });

  it("AT is CRD's: 1000 x AT at each of the three stage outputs", () => {
    expect(distill('student + AT').map((t) => [t.loss.kind, t.weight, t.student])).toEqual([1, 2, 3].map((s) => ['at', 1000, `stage${s}`]));
  });

  it('MCL uses the CIFAR temperature tau = 0.1 of the authors\' main_cifar.py', () => {
    for (const method of ['MCL x2', 'MCL x4']) {
      const mcl = config(method).kd!.terms.find((t) => t.loss.kind === 'mcl')!;
      expect(lossOptions(mcl.loss as { kind: string }).tau).toBe(0.1);
    }
  });
});
