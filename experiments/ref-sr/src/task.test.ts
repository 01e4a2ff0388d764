import * as path from 'path';
import { tf, Rng } from '@kdlab/engine';
import type { Tensor, Tensor3D } from '@kdlab/engine';
import { resolveRun } from '@kdlab/runner';
import { buildBackbone } from '@kdlab/backbones';
import './index';
import { refSrQuick } from './reproductions';
import { refSrDataSchema, refSrEvalSchema } from './schema';
import { refSrTask } from './task';
import { flowOf, matchCells } from './matcher';
import { centreWindow } from './views';

const REPO = path.resolve(__dirname, '../../..');
const CONFIGS = path.join(REPO, 'experiments/ref-sr/configs');
const evalCfg = refSrEvalSchema.parse({ pairs: ['graf', 'aloe'], window: 64 });

function tinyData(extra: Record<string, unknown> = {}) {
  return refSrDataSchema.parse({ stage: 'correspondence', scale: 4, train: ['Set5'], trainLimit: 2, crop: 48, batch: 2, view1: 'lr-up', teacherView1: 'hr', ...extra });
}

describe('ref-sr configs', () => {
  it.each(['quick', 'paper'])('profile %s: every row resolves, students see LR-up, the distilled one has triplet + 15 · correlation KD', (profile) => {
    const rows = refSrQuick.rows.map((r) => ({ ...r, files: r.files.map((f) => f.replace('/quick', `/${profile}`)) }));
    for (const row of rows) {
      const run = resolveRun(row.files.map((f) => path.join(REPO, f)));
      expect(run.config.name).toBe(row.name);
      expect(run.config.task).toBe('ref-sr');
      // Every model a row trains builds from its resolved spec (the restoration one with the data's reference flag).
      const s = run.config.student;
      if ('model' in s) {
        const data = refSrDataSchema.parse(run.config.data);
        const m = buildBackbone(refSrTask.modelSpec!(s.model, data), 0);
        expect(m.inputs[0].shape[3]).toBe(data.stage === 'correspondence' ? 6 : data.reference ? 53 : 3);
        m.dispose();
      }
    }
    const at = (m: string, stage = '') => resolveRun([path.join(CONFIGS, 'profiles', `${profile}${stage}.yaml`), path.join(CONFIGS, 'methods', `${m}.yaml`)]).config;
    const student = at('c2-student');
    expect(student.data).toMatchObject({ stage: 'correspondence', view1: 'lr-up', teacherView1: 'hr' });
    expect(student.kd!.terms.map((t) => [t.name, t.loss.kind, t.weight])).toEqual([['triplet', 'c2-triplet', 1], ['corr-kd', 'c2-correlation-kd', 15]]);
    expect(student.kd!.terms[1].loss).toMatchObject({ temperature: 0.15, packed: true });
    expect(at('c2-teacher').data).toMatchObject({ view1: 'hr' });
    expect(student.teacher!.train!.data).toEqual({ view1: 'hr' });
    const restoration = at('c2-restoration', '-restoration');
    expect(restoration.data).toMatchObject({ stage: 'restoration', reference: true, matcher: { dir: 'runs/refsr-quick/c2-student-s0/final' } });
    expect(restoration.teacher).toBeUndefined();
    expect(at('sr-no-ref', '-restoration').data).toMatchObject({ reference: false });
  });

  it('bad inputs are errors naming the field, value or file', async () => {
    expect(() => tinyData({ crop: 50 })).toThrow(/multiple of 4[\s\S]*crop/);
    expect(() => refSrEvalSchema.parse({ pairs: ['nope'] })).toThrow(/opencv-doc pairs/);
    expect(() => tinyData({ view1: 'lr' })).toThrow(/view1/);
    await expect(refSrTask.create(tinyData({ stage: 'restoration', reference: true }), evalCfg)).rejects.toThrow(/config\.data\.matcher\.dir is required/);
    await expect(refSrTask.create(tinyData({ stage: 'restoration', matcher: { dir: '/nonexistent/final' } }), evalCfg)).rejects.toThrow(/\/nonexistent\/final .*holds no weights/);
    await expect(refSrTask.create(tinyData(), { ...evalCfg, split: 'val' })).rejects.toThrow(/config\.data\.val/);
    await expect(refSrTask.create(tinyData({ crop: 4000 }), evalCfg)).rejects.toThrow(/at least 4000 px/);
  });
});

describe('ref-sr training stream', () => {
  it('correspondence pairs: LR-up view 1 ⊕ warped view 2 for the student, HR view 1 for the teacher, the correspondence as an extra tensor', async () => {
    const inst = await refSrTask.create(tinyData(), evalCfg);
    const b = inst.trainStream(new Rng(1)).next();
    expect(b.input.shape).toEqual([2, 48, 48, 6]);
    expect(b.teacherInput!.shape).toEqual([2, 48, 48, 6]);
    expect(b.extra!.correspondence.shape).toEqual([2, 48, 48, 2]);
    // Same view 2; view 1 differs (LR-up vs HR) and the teacher's view 1 is the target (the HR crop).
    const v2 = (t: Tensor) => t.slice([0, 0, 0, 3], [-1, -1, -1, 3]);
    expect(v2(b.input).sub(v2(b.teacherInput!)).abs().max().dataSync()[0]).toBe(0);
    expect(b.teacherInput!.slice([0, 0, 0, 0], [-1, -1, -1, 3]).sub(b.target).abs().max().dataSync()[0]).toBe(0);
    expect(b.input.slice([0, 0, 0, 0], [-1, -1, -1, 3]).sub(b.target).abs().max().dataSync()[0]).toBeGreaterThan(0.01);
    tf.dispose([b.input, b.target, b.teacherInput!, b.extra!.correspondence]);
  });

  it('is seeded and resumes from a saved state; a bad state is an error', async () => {
    const inst = await refSrTask.create(tinyData(), evalCfg);
    const a = inst.trainStream(new Rng(9));
    const first = a.next();
    const state = JSON.parse(JSON.stringify(a.getState()));
    const second = a.next();
    const b = inst.trainStream(new Rng(123));
    b.setState(state);
    const resumed = b.next();
    expect(resumed.input.sub(second.input).abs().max().dataSync()[0]).toBe(0);
    expect(resumed.extra!.correspondence.sub(second.extra!.correspondence).abs().max().dataSync()[0]).toBe(0);
    expect(first.input.sub(second.input).abs().max().dataSync()[0]).toBeGreaterThan(0);
    const again = inst.trainStream(new Rng(9)).next();
    expect(again.input.sub(first.input).abs().max().dataSync()[0]).toBe(0);
    expect(() => b.setState({ sampler: 1 })).toThrow(/ref-sr stream: expected state/);
  });

  it('restoration without reference: LR input, HR target', async () => {
    const inst = await refSrTask.create(tinyData({ stage: 'restoration', reference: false }), evalCfg);
    const b = inst.trainStream(new Rng(2)).next();
    expect(b.input.shape).toEqual([2, 12, 12, 3]);
    expect(b.target.shape).toEqual([2, 48, 48, 3]);
  });
});

describe('ref-sr matcher', () => {
  it('recovers a synthetic shift: reference descriptors = view-1 descriptors moved by (dy, dx)', () => {
    const [h, w, c, dy, dx] = [12, 10, 16, 3, -2];
    const d1 = tf.randomNormal([h, w, c], 0, 1, 'float32', 4) as Tensor3D;
    // ref(i + dy, j + dx) = d1(i, j); elsewhere unrelated noise.
    const r = tf.randomNormal([h, w, c], 0, 1, 'float32', 5).arraySync() as number[][][];
    const v = d1.arraySync() as number[][][];
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) if (i + dy < h && j + dx >= 0) r[i + dy][j + dx] = v[i][j].map((x) => 2 * x);
    const d2 = tf.tensor3d(r);
    const flow = flowOf(d1, d2);
    let inside = 0;
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        if (!(i + dy < h && j + dx >= 0)) continue;
        inside++;
        expect([flow[2 * (i * w + j)], flow[2 * (i * w + j) + 1]]).toEqual([dy, dx]);
      }
    }
    expect(inside).toBeGreaterThan(50);
    // cosine: the scaled copy of cell (0, 5) scores 1
    const { score } = matchCells(d1, d2, Int32Array.from([5]));
    expect(score[0]).toBeCloseTo(1, 5);
    expect(() => matchCells(d1, tf.zeros([2, 2, 3]) as Tensor3D)).toThrow(/differ in channels/);
  });

  it('centreWindow keeps a multiple of the scale inside the image', () => {
    const img = { data: new Uint8Array(30 * 41 * 3), height: 30, width: 41, channels: 3 as const };
    const wdw = centreWindow(img, 256, 4);
    expect([wdw.height, wdw.width]).toEqual([28, 40]);
  });
});

describe('ref-sr evaluation', () => {
  it('bicubic on the opencv-doc pairs: finite PSNR/SSIM per pair and their mean', async () => {
    const inst = await refSrTask.create(tinyData({ stage: 'restoration', reference: false }), evalCfg);
    const res = await inst.evaluate({ kind: 'baseline', name: 'bicubic' });
    const graf = res.metrics['eval/graf/x4/psnr'];
    const aloe = res.metrics['eval/aloe/x4/psnr'];
    expect(graf).toBeGreaterThan(10);
    expect(res.metrics['eval/opencv-doc/x4/psnr']).toBeCloseTo((graf + aloe) / 2, 10);
    expect(res.metrics['eval/opencv-doc/x4/ssim']).toBeLessThan(1);
  });
});
