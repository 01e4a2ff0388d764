// The teacher stays frozen during distillation: after a run with logit and feature terms
// (KD, AT at every stage, FitNet with a ConvReg regressor), every teacher weight, BatchNorm
// moving statistics included, is bit-identical to the cached teacher the run started from,
// while the student did change. Breaks if the teacher runs in training mode (BN moving
// averages move), gets gradients, or is put in the optimiser.
import * as fs from 'fs';
import * as path from 'path';
import type { LayersModel } from '@kdlab/engine';
import { buildBackbone } from '@kdlab/backbones';
import { executeRun, loadModelWeights, resolveRun } from '@kdlab/runner';
import './index';
import { microProfile, tempDir } from './testing/micro';

const snapshot = (m: LayersModel) => new Map(m.weights.map((w) => [w.originalName, Buffer.from((w.read().dataSync() as Float32Array).buffer.slice(0))]));

describe('teacher frozen during distillation', () => {
  it('teacher weights and BatchNorm moving statistics are bit-identical after a KD + AT + FitNet run', async () => {
    const dir = tempDir('frozen');
    const { file } = microProfile(dir, 6);
    const method = path.join(dir, 'all.yaml');
    fs.writeFileSync(method, `method: frozen-check
kd:
  terms:
    - { name: ce, loss: { kind: ce }, weight: 1, student: output, teacher: target }
    - { name: kd, loss: { kind: kd, temperature: 4 }, weight: 1, student: output, teacher: output }
    - { name: at1, loss: { kind: at }, weight: 100, student: stage1, teacher: stage1 }
    - { name: at3, loss: { kind: at }, weight: 100, student: stage3, teacher: stage3 }
    - { name: hint, loss: { kind: fitnet }, weight: 1, student: stage2, teacher: stage2, adapter: { kind: convreg } }
`);
    const run = resolveRun([file, method]);
    let after: { student: Map<string, Buffer>; teacher: Map<string, Buffer> } | undefined;
    const result = await executeRun(run, {
      runsDir: path.join(dir, 'runs'), cacheDir: path.join(dir, 'cache'), trackingUri: path.join(dir, 'mlruns'), log: () => undefined,
      afterTraining: ({ student, teacher }) => void (after = { student: snapshot(student), teacher: snapshot(teacher!) }),
    });
    expect(result.status).toBe('FINISHED');
    // Before: the cached teacher the run loaded, read afresh from disk.
    const teacherDir = path.join(dir, 'cache', 'teachers', result.tags['kdlab.teacher_hash'].slice(0, 16), 'model');
    const before = buildBackbone(run.config.teacher!.model, 123);
    loadModelWeights(teacherDir, before);
    const expected = snapshot(before);
    const names = [...expected.keys()];
    expect(names.filter((n) => /moving_mean|moving_variance/.test(n)).length).toBeGreaterThanOrEqual(10);
    expect([...after!.teacher.keys()].sort()).toEqual([...names].sort());
    const changed = names.filter((n) => !after!.teacher.get(n)!.equals(expected.get(n)!));
    expect(changed).toEqual([]);
    // The student's BatchNorm statistics did move (it trains in training mode), so the check above
    // is not vacuous: its moving means start at 0 and are no longer all 0.
    const studentMeans = [...after!.student.entries()].filter(([n]) => /moving_mean/.test(n));
    expect(studentMeans.length).toBeGreaterThan(0);
    expect(studentMeans.some(([, v]) => new Float32Array(v.buffer, v.byteOffset, v.length / 4).some((x) => x !== 0))).toBe(true);
  }, 180000);
});
