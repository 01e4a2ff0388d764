// The classification task on real data: model specs completed from the
// dataset, exact accuracy bookkeeping on a balanced test subset, and a micro
// run on Fashion-MNIST through the runner.
import * as fs from 'fs';
import * as path from 'path';
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { executeRun, resolveRun } from '@kdlab/runner';
import { classificationTask } from './task';
import { REPO, microProfile, tempDir } from './testing/micro';

describe('classification configs', () => {
  const CONFIGS = path.join(REPO, 'experiments/classification/configs');

  it('every profile x method combination resolves (validated, model specs completed)', () => {
    const methods = fs.readdirSync(path.join(CONFIGS, 'methods')).filter((f) => f.endsWith('.yaml'));
    expect(methods.length).toBeGreaterThanOrEqual(9);
    for (const profile of ['quick', 'paper', 'fmnist-quick']) {
      for (const m of methods) {
        const peers = m.startsWith('mcl') && profile === 'paper' ? [path.join(CONFIGS, 'profiles/paper-peers.yaml')] : [];
        const run = resolveRun([path.join(CONFIGS, `profiles/${profile}.yaml`), path.join(CONFIGS, 'methods', m), ...peers]);
        if ('model' in run.config.student) expect(run.config.student.model.numClasses).toBe(10);
        if (m.startsWith('mcl')) expect(run.config.student).toMatchObject({ model: { arch: 'peers', peer: { arch: profile === 'paper' ? 'resnet8x4' : 'resnet8' } } });
      }
    }
  });
});

describe('classification task', () => {
  it('fills numClasses and inputChannels from the dataset, and rejects a contradicting spec', () => {
    const data = classificationTask.dataSchema.parse({ dataset: 'fashion-mnist', batch: 8 });
    expect(classificationTask.modelSpec!({ arch: 'resnet8' }, data)).toEqual({ arch: 'resnet8', numClasses: 10, inputChannels: 1 });
    expect(() => classificationTask.modelSpec!({ arch: 'resnet8', numClasses: 100 }, data)).toThrow(/numClasses 100 differs/);
  });

  it('a constant prediction scores exactly 1/10 on a balanced test subset; a 2-peer output is split into peers', async () => {
    const instance = await classificationTask.create(classificationTask.dataSchema.parse({ dataset: 'cifar10', trainPerClass: 2, batch: 4 }), { split: 'test', testPerClass: 7, batch: 16 });
    expect(instance.tags['kdlab.test_images']).toBe('70');
    const always = (k: number, peers = 1) => ({ kind: 'model' as const, predict: (x: Tensor) => tf.oneHot(tf.fill([x.shape[0]], k, 'int32'), 10).tile([1, peers]).toFloat() });
    const single = await instance.evaluate(always(3));
    expect(single.metrics['eval/cifar10/top1']).toBeCloseTo(10, 10);
    const perClass = (single.files['per-class.json'] as { classes: { class: string; images: number; top1: number }[] }).classes;
    expect(perClass.map((c) => c.top1)).toEqual([0, 0, 0, 100, 0, 0, 0, 0, 0, 0]);
    expect(perClass[3]).toEqual({ class: 'cat', images: 7, top1: 100 });
    const cohort = await instance.evaluate(always(5, 2));
    expect(cohort.metrics['eval/cifar10/top1_peer1']).toBeCloseTo(10, 10);
    expect(cohort.metrics['eval/cifar10/top1_ensemble']).toBeCloseTo(10, 10);
    instance.dispose();
  });

  it('trains and evaluates on Fashion-MNIST (28x28 grey) through the runner', async () => {
    const dir = tempDir('fmnist');
    const { file } = microProfile(dir);
    const run = resolveRun([file, path.join(REPO, 'experiments/classification/configs/methods/kd.yaml')], { sets: ['data.dataset=fashion-mnist', 'data.augment.pad=2'] });
    expect(run.config.teacher!.model.inputChannels).toBe(1);
    const result = await executeRun(run, { runsDir: path.join(dir, 'runs'), cacheDir: path.join(dir, 'cache'), trackingUri: `file:${path.join(dir, 'mlruns')}`, log: () => undefined });
    expect(result.status).toBe('FINISHED');
    // A count out of the 30 test images (3 per class), on the 28x28 grey data it was built for.
    expect(result.tags['kdlab.test_images']).toBe('30');
    const correct = (result.metrics['eval/fashion-mnist/top1'] * 30) / 100;
    expect(Math.abs(correct - Math.round(correct))).toBeLessThan(1e-9);
    expect(result.tags['kdlab.dataset']).toBe('fashion-mnist');
  }, 120000);
});
