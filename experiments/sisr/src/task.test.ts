import * as fs from 'fs';
import * as path from 'path';
import { imresizeBicubic, loadManifest, loadSrPairs, type SrPair } from '@kdlab/data';
import { psnr, ssim } from '@kdlab/metrics';
import { executeRun, resolveConfig, resolveRun } from '@kdlab/runner';
import { createTracker } from '@kdlab/tracking';
import './index';
import { sisrQuick } from './reproductions';
import { SR_DEGRADATION, type SrData, type SrEval } from './schema';
import { srTask } from './task';
import { REPO, tempDir } from './testing/micro';

const CONFIGS = path.join(REPO, 'experiments/sisr/configs');

describe('sisr configs', () => {
  it('every profile x scale x method combination resolves (validated, scale filled in; with its profile overlay)', () => {
    const methods = fs.readdirSync(path.join(CONFIGS, 'methods')).filter((f) => f.endsWith('.yaml'));
    expect(methods).toHaveLength(14);
    for (const profile of ['quick', 'paper']) {
      for (const scale of [2, 3, 4]) {
        for (const m of methods) {
          const overlay = path.join(CONFIGS, 'methods', profile, m);
          const run = resolveRun([path.join(CONFIGS, `${profile}-x${scale}.yaml`), path.join(CONFIGS, 'methods', m), ...(fs.existsSync(overlay) ? [overlay] : [])]);
          expect(run.config.data.scale).toBe(scale);
          if ('model' in run.config.student) expect(run.config.student.model.scale).toBe(scale);
          expect(run.config.experiment).toBe(`sisr-${profile}`);
        }
      }
    }
  });

  it('the sisr-quick reproduction lists every row of the table, at x4', () => {
    expect(sisrQuick.rows.map((r) => r.method)).toEqual([
      'bicubic', 'teacher', 'student', 'student + output KD', 'student + FD', 'student + FAKD', 'student + FACD', 'student + LSFD',
      'EFDN', 'EFDN + edge loss', 'EFDN + edge loss + FAKD', 'student + PCL', 'student + PCL (teacher positive)', 'student + Meta-KD',
    ]);
    for (const row of sisrQuick.rows) for (const f of row.files) expect(fs.existsSync(path.join(REPO, f))).toBe(true);
    expect(sisrQuick.columns.map((c) => c.key)).toContain('eval/B100/x4/ssim');
  });

  it('a model scale that contradicts data.scale is an error', () => {
    expect(() => resolveRun([path.join(CONFIGS, 'quick-x4.yaml'), path.join(CONFIGS, 'methods/student.yaml')], { sets: ['student.model.scale=2'] })).toThrow(
      /model edsr: scale 2 differs from config.data.scale 4/,
    );
  });
});

describe('the sr task through the runner', () => {
  it('the bicubic row scores exactly what the metrics library gives for MATLAB-bicubic upscaling, and logs per-image results', async () => {
    const dir = tempDir('sr-bicubic');
    const store = path.join(dir, 'mlruns');
    const run = resolveConfig(
      { experiment: 'sr-test', name: 'bicubic', method: 'bicubic', task: 'sr', seed: 0, data: { scale: 3, train: ['Set5'], lrPatch: 8, batch: 1, test: ['Set5'] }, eval: { limit: 2 }, student: { baseline: 'bicubic' } },
      'test',
    );
    const result = await executeRun(run, { runsDir: path.join(dir, 'runs'), trackingUri: store, log: () => undefined });
    const pairs = loadSrPairs('Set5', 3).slice(0, 2);
    const opts = { crop: 3, channel: 'y' as const };
    const expected = (f: typeof psnr) => pairs.reduce((a, p) => a + f(p.hr, imresizeBicubic(p.lr, 3), opts), 0) / pairs.length;
    expect(result.metrics['eval/Set5/x3/psnr']).toBeCloseTo(expected(psnr), 10);
    expect(result.metrics['eval/Set5/x3/ssim']).toBeCloseTo(expected(ssim), 10);
    const perImage = JSON.parse(fs.readFileSync(path.join(result.runDir, 'eval/Set5_x3.json'), 'utf8'));
    expect(perImage.images.map((i: { name: string }) => i.name)).toEqual(pairs.map((p) => p.name));
    const [logged] = await createTracker(store).searchRuns({ experiment: 'sr-test' });
    expect(logged.metrics['eval/Set5/x3/psnr']).toBeCloseTo(expected(psnr), 10);
    expect(JSON.parse(logged.tags['kdlab.data_checksums']).Set5.files).toBe(5);
    expect(logged.tags['kdlab.metric_convention']).toMatch(/Y channel/);
  });
});

describe('validation split (T91-BSD200-val): selection data carved from training, never trained on', () => {
  const quickStudent = () => resolveRun([path.join(CONFIGS, 'quick-x4.yaml'), path.join(CONFIGS, 'methods/student.yaml')]);

  it('the quick profile trains on T91 + BSD200 without any of the 20 held-out images (matched by content)', async () => {
    const run = quickStudent();
    expect(run.config.data.val).toEqual(['T91-BSD200-val']);
    const val = loadManifest('T91-BSD200-val');
    expect(val.heldOutOf?.datasets).toEqual(['T91', 'BSD200']);
    expect(val.files).toHaveLength(20);
    const instance = (await srTask.create(run.config.data as SrData, run.config.eval as SrEval)) as unknown as { trainPairs: SrPair[]; tags: Record<string, string> };
    const held = new Set(val.files.map((f) => f.sha256));
    const all = loadManifest('T91').files.length + loadManifest('BSD200').files.length;
    expect(instance.trainPairs).toHaveLength(all - 20);
    expect(instance.trainPairs.filter((p) => held.has(p.sha256))).toEqual([]);
    expect(instance.tags['kdlab.train_images']).toBe(String(all - 20));
    expect(instance.tags['kdlab.val_data']).toBe('T91-BSD200-val');
  });

  it('eval.split=val scores the validation images, not the test sets', async () => {
    const dir = tempDir('sr-val');
    const run = resolveConfig(
      { experiment: 'sr-val', name: 'bicubic', method: 'bicubic', task: 'sr', seed: 0, data: { scale: 4, train: ['Set5'], val: ['T91-BSD200-val'], lrPatch: 8, batch: 1, test: ['Set5'] }, eval: { split: 'val', limit: 2 }, student: { baseline: 'bicubic' } },
      'test',
    );
    const result = await executeRun(run, { runsDir: path.join(dir, 'runs'), trackingUri: path.join(dir, 'mlruns'), log: () => undefined });
    expect(Object.keys(result.metrics).filter((k) => k.startsWith('eval/'))).toEqual(['eval/T91-BSD200-val/x4/psnr', 'eval/T91-BSD200-val/x4/ssim']);
    const pairs = loadSrPairs('T91-BSD200-val', 4).slice(0, 2);
    const expected = pairs.reduce((a, p) => a + psnr(p.hr, imresizeBicubic(p.lr, 4), { crop: 4, channel: 'y' }), 0) / 2;
    expect(result.metrics['eval/T91-BSD200-val/x4/psnr']).toBeCloseTo(expected, 10);
  });

  it('a data.val that is not a held-out split, or eval.split=val without data.val, is an error that says so', async () => {
    const data: SrData = { scale: 4, train: ['Set5'], lrPatch: 8, batch: 1, test: ['Set5'], augment: false, degradation: SR_DEGRADATION };
    await expect(srTask.create({ ...data, val: ['Set14'] }, { channel: 'y', crop: 'scale', split: 'test' })).rejects.toThrow(/config.data.val names Set14, which is not a validation split/);
    await expect(srTask.create(data, { channel: 'y', crop: 'scale', split: 'val' })).rejects.toThrow(/eval.split is 'val' but config.data.val names no validation split/);
  });
});
