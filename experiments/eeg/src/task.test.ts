// The eeg-mi task through the runner: every config combination resolves (montages become electrode
// indices), and a micro distillation run (64-electrode teacher -> 8-electrode SK-KD student, a few
// steps) trains on the real tensorflow backend and logs accuracy and kappa for the fold.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '@kdlab/data';
import { executeRun, resolveRun } from '@kdlab/runner';
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { eegTask, type EegTaskInstance } from './task';
import './index';
import { EEGMMIDB_CHANNELS, MONTAGES } from './montages';
import { eegQuick, eegPaper } from './reproductions';

const CONFIGS = path.join(repoRoot(), 'experiments/eeg/configs');
const cfg = (...parts: string[]) => parts.map((p) => path.join(CONFIGS, p));

describe('eeg-mi configs', () => {
  it('every backbone x montage x method x fold resolves; a montage becomes its electrode rows', () => {
    const methods = fs.readdirSync(path.join(CONFIGS, 'methods')).filter((f) => f.endsWith('.yaml'));
    expect(methods).toHaveLength(7);
    for (const backbone of ['eegnet', 'shallow-convnet', 'deep-convnet']) {
      for (const m of ['headphone', 'headband']) {
        for (const method of methods) {
          const run = resolveRun(cfg('profiles/quick.yaml', `backbones/${backbone}.yaml`, `montages/${m}.yaml`, `methods/${method}`, 'folds/fold2.yaml'));
          expect(run.config.data).toMatchObject({ fold: 2, classes: 'ff', validation: 'none', window: [0.5, 3.5] });
          if ('model' in run.config.student) {
            const electrodes = run.config.student.model.electrodes as number[];
            expect(electrodes.map((i) => EEGMMIDB_CHANNELS[i])).toEqual([...MONTAGES[m].electrodes]);
            expect(run.config.student.model).toMatchObject({ chans: 64, samples: 480, numClasses: 2 });
          }
          if (run.config.teacher) expect(run.config.teacher.model.electrodes).toBeUndefined();
        }
      }
    }
  });

  it('the reproductions: one table line per method, each over 3 folds (x 2 seeds for students); SK-KD is declared abstract-only', () => {
    const methods = new Set(eegQuick.rows.map((r) => r.method));
    expect(methods.size).toBe(1 + 2 * 6);
    for (const m of methods) {
      const rows = eegQuick.rows.filter((r) => r.method === m);
      expect(new Set(rows.map((r) => r.files[r.files.length - 1].replace(/.*\//, '')))).toEqual(new Set(['fold0.yaml', 'fold1.yaml', 'fold2.yaml']));
      // Students: 3 folds x 2 replicates; seed 10 * fold + replicate.
      if (!m.endsWith('teacher')) expect(rows.flatMap((r) => r.seeds).sort((a, b) => a - b)).toEqual([0, 1, 10, 11, 20, 21]);
      expect(new Set(rows.flatMap((r) => r.seeds)).size).toBe(rows.reduce((n, r) => n + r.seeds.length, 0));
    }
    expect(new Set(eegPaper.rows.map((r) => r.method)).size).toBe(3 * (1 + 2 * 6));
    const sk = resolveRun(cfg('profiles/quick.yaml', 'backbones/eegnet.yaml', 'montages/headband.yaml', 'methods/skkd.yaml', 'folds/fold0.yaml'));
    expect(sk.config.source).toMatchObject({ level: 'abstract-only' });
  });

  it('modelSpec rejects a contradicting spec and an unknown montage', () => {
    const d = eegTask.dataSchema.parse({});
    expect(() => eegTask.modelSpec!({ arch: 'eegnet', numClasses: 2 }, d)).toThrow(/numClasses 2 differs/);
    expect(() => eegTask.modelSpec!({ arch: 'eegnet', montage: 'helmet' }, d)).toThrow(/unknown montage "helmet"/);
  });
});

describe('eeg-mi task', () => {
  it('scores a constant prediction at the share of its class, with kappa 0', async () => {
    const instance = (await eegTask.create(eegTask.dataSchema.parse({ fold: 1 }), eegTask.evalSchema.parse({}))) as EegTaskInstance;
    const always = { kind: 'model' as const, predict: (x: Tensor) => tf.oneHot(tf.fill([x.shape[0]], 2, 'int32'), 4).toFloat() };
    const res = await instance.evaluate(always);
    const share = (100 * Array.from(instance.data.test.y).filter((y) => y === 2).length) / instance.data.test.n;
    expect(res.metrics['eval/S001-test/accuracy']).toBeCloseTo(share, 10);
    expect(res.metrics['eval/S001-test/kappa']).toBe(0);
    expect(instance.tags['kdlab.protocol']).toBe('within-subject cross-run, fold 1: train R04+R06, validate R12+R14, test R08+R10');
    expect(instance.datasets()[0]).toMatchObject({ name: 'eegmmidb-S001', files: 28 });
  });

  it('distils a 64-electrode teacher into a headphone student through the runner', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-eeg-run-'));
    const run = resolveRun(cfg('profiles/quick.yaml', 'backbones/eegnet.yaml', 'montages/headphone.yaml', 'methods/skkd.yaml', 'folds/fold0.yaml'), {
      // The 4-class protocol with a validation run (the paper profile's), 640 samples.
      sets: ['train.steps=4', 'teacher.train.train.steps=3', 'train.checkpointEvery=2', 'teacher.train.train.checkpointEvery=3', 'name=micro-skkd', 'data.classes=four', 'data.validation=run', 'data.window=[0, 4]', 'data.batch=16'],
    });
    const result = await executeRun(run, { runsDir: path.join(dir, 'runs'), cacheDir: path.join(dir, 'cache'), trackingUri: `file:${path.join(dir, 'mlruns')}`, log: () => undefined });
    expect(result.status).toBe('FINISHED');
    for (const split of ['test', 'val']) {
      expect(result.metrics[`eval/S001-${split}/accuracy`]).toBeGreaterThanOrEqual(0);
      expect(result.metrics[`eval/S001-${split}/accuracy`]).toBeLessThanOrEqual(100);
      expect(Math.abs(result.metrics[`eval/S001-${split}/kappa`])).toBeLessThanOrEqual(1);
    }
    // EEGNet-8,2 on 8 of 64 electrodes: (64 - 8) * 16 fewer depthwise weights than the teacher.
    expect(result.metrics['model/params']).toBe(3620 - 56 * 16);
    expect(result.tags['kdlab.source_level']).toBe('abstract-only');
    expect(result.tags['kdlab.montage']).toBe('headphone');
    expect(result.tags['kdlab.metric_convention']).toMatch(/Cohen's kappa/);
    const test = JSON.parse(fs.readFileSync(path.join(result.runDir, 'eval', 'test.json'), 'utf8'));
    expect(test.runs).toEqual([4, 6]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 300000);
});
