// The tfjs side of `kdlab bench engine`, one workload at a time, so that the
// interleaved benchmark (engine.ts) and the fresh-process peak-memory probe
// (engine_peak.ts) build exactly the same models and steps. engine_torch.py is
// the PyTorch side of each.
//
// FLOP convention: forward FLOPs = 2 x MACs of conv/dense layers (countFlops);
// a training step counts 3 x forward (forward + grad wrt input + grad wrt weights);
// the KD step adds one teacher forward. An n x n by n x n matmul is 2 n^3 FLOPs.
import * as fs from 'fs';
import type { Scalar, Tensor, Tensor1D, Tensor4D } from '@kdlab/engine';

export const EDSR = { batch: 16, lrPatch: 48, scale: 4, inferHw: 256 } as const;
export const CLS = { batch: 64, hw: 32, classes: 100, kdT: 4, lr: 0.05, momentum: 0.9 } as const;
export const MATMUL_N = 2048;

export type WorkloadName = 'train' | 'infer' | 'cls' | 'matmul';
export const WORKLOADS: readonly WorkloadName[] = ['train', 'infer', 'cls', 'matmul'];

export interface Workload {
  /** FLOPs of one step. */
  flops: number;
  /** Runs n steps; milliseconds of each. */
  run(n: number): number[];
  dispose(): void;
  /** Model sizes to print: name -> parameters (trainable + BN moving statistics, as countParams). */
  params: Record<string, number>;
}

type Engine = typeof import('@kdlab/engine');
type Backbones = typeof import('@kdlab/backbones');

function timed(n: number, step: () => void): number[] {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    step();
    times.push(performance.now() - t);
  }
  return times;
}

/** EDSR-baseline x4: 'train' (L1 + Adam on batch 16 of 48x48) and 'infer' (one 256x256 image) share one model. */
export function edsrWorkloads({ tf, flatAdam }: Engine, { buildBackbone, countFlops, countParams }: Backbones): Record<'train' | 'infer', Workload> {
  const { batch, lrPatch, scale, inferHw } = EDSR;
  const model = buildBackbone({ arch: 'edsr-paper-student', scale }, 0);
  const params = { 'EDSR-baseline': countParams(model, { trainableOnly: true }) };
  const lr = tf.randomUniform([batch, lrPatch, lrPatch, 3], 0, 1, 'float32', 1) as Tensor4D;
  const hr = tf.randomUniform([batch, lrPatch * scale, lrPatch * scale, 3], 0, 1, 'float32', 2) as Tensor4D;
  const img = tf.randomUniform([1, inferHw, inferHw, 3], 0, 1, 'float32', 3) as Tensor4D;
  const optimizer = flatAdam(1e-4); // the runner's Adam (tf.train.adam's numbers, one update for all variables)
  const dispose = () => {
    tf.dispose([lr, hr, img]);
    optimizer.dispose();
  };
  return {
    train: {
      flops: 3 * countFlops(model, [lrPatch, lrPatch]) * batch,
      params,
      dispose,
      run: (n) =>
        timed(n, () => {
          const cost = optimizer.minimize(() => tf.mean(tf.abs(tf.sub(model.apply(lr, { training: true }) as Tensor4D, hr))) as Scalar, true)!;
          cost.dataSync();
          cost.dispose();
        }),
    },
    infer: {
      flops: countFlops(model, [inferHw, inferHw]),
      params,
      dispose,
      run: (n) => timed(n, () => tf.tidy(() => (model.predict(img) as Tensor4D).sum().dataSync())),
    },
  };
}

/**
 * Student resnet8x4 trained with CE + KD (Hinton, T = 4, T^2-scaled KL) from a frozen
 * resnet32x4 teacher, SGD momentum 0.9, batch 64 of 32x32x3, 100 classes. The teacher runs
 * in inference mode outside the gradient (as under torch.no_grad).
 */
export function clsWorkload({ tf }: Engine, { buildBackbone, countFlops, countParams }: Backbones): Workload {
  const { batch, hw, classes, kdT } = CLS;
  const student = buildBackbone({ arch: 'resnet8x4', numClasses: classes }, 0);
  const teacher = buildBackbone({ arch: 'resnet32x4', numClasses: classes }, 1);
  const params = { resnet8x4: countParams(student, { trainableOnly: true }), resnet32x4: countParams(teacher, { trainableOnly: true }) };
  teacher.trainable = false;
  const x = tf.randomUniform([batch, hw, hw, 3], 0, 1, 'float32', 4) as Tensor4D;
  const y = tf.oneHot(tf.randomUniform([batch], 0, classes, 'int32', 5) as Tensor1D, classes);
  const optimizer = tf.train.momentum(CLS.lr, CLS.momentum);
  const kd = (s: Tensor, t: Tensor) =>
    tf.tidy(() => {
      const pt = tf.softmax(tf.div(t, kdT));
      const kl = tf.sum(tf.mul(pt, tf.sub(tf.logSoftmax(tf.div(t, kdT)), tf.logSoftmax(tf.div(s, kdT)))));
      return tf.mul(tf.div(kl, batch), kdT * kdT);
    });
  return {
    flops: (3 * countFlops(student, [hw, hw]) + countFlops(teacher, [hw, hw])) * batch,
    params,
    run: (n) =>
      timed(n, () => {
        // One batch of 64, as the runner's teacher forward (taps: model.apply) and PyTorch run it;
        // predict() alone would split it into tfjs' default batches of 32.
        const tLogits = tf.tidy(() => teacher.predict(x, { batchSize: batch }) as Tensor);
        const cost = optimizer.minimize(() => {
          const sLogits = student.apply(x, { training: true }) as Tensor;
          return tf.add(tf.losses.softmaxCrossEntropy(y, sLogits), kd(sLogits, tLogits)) as Scalar;
        }, true)!;
        cost.dataSync();
        tf.dispose([cost, tLogits]);
      }),
    dispose: () => {
      tf.dispose([x, y]);
      optimizer.dispose();
    },
  };
}

/** A 2048x2048 float32 matmul: what this machine attains on the densest kernel there is. */
export function matmulWorkload({ tf }: Engine): Workload {
  const a = tf.randomUniform([MATMUL_N, MATMUL_N], 0, 1, 'float32', 6);
  const b = tf.randomUniform([MATMUL_N, MATMUL_N], 0, 1, 'float32', 7);
  return {
    flops: 2 * MATMUL_N ** 3,
    params: {},
    run: (n) => timed(n, () => tf.tidy(() => tf.matMul(a, b).slice([0, 0], [1, 1]).dataSync())),
    dispose: () => tf.dispose([a, b]),
  };
}

/** Resident set size now and its high-water mark (KiB), from /proc/self/status (Linux). */
export function rssKiB(): { rss: number; hwm: number } {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const field = (name: string) => {
    const m = new RegExp(`${name}:\\s+(\\d+)`).exec(status);
    if (!m) throw new Error(`bench engine: no ${name} in /proc/self/status (peak memory needs Linux)`);
    return Number(m[1]);
  };
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}
