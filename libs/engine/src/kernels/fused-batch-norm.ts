// Training-mode batch norm as one TensorFlow op, forward and backward.
//
// Why: tfjs-layers' BatchNormalization in training computes tf.moments and
// tf.batchNormalization, and its gradient is a dozen small ops per layer (mean,
// squared difference, broadcasts, their gradients). TensorFlow's
// `FusedBatchNormV3` (is_training=true) and `FusedBatchNormGradV3` do the same
// in one pass each, and the tfjs-node binding can call them because their
// attributes are scalars (T, U, epsilon, exponential_avg_factor, data_format,
// is_training). tfjs-node itself calls the fused op only for inference.
//
// What TensorFlow returns (CPU kernel, fused_batch_norm_op.cc): output 0 is y,
// normalised with the *biased* batch variance; output 1 the batch mean; output 2
// the batch variance with Bessel's correction (n/(n-1), n = N*H*W, meant for a
// moving average); outputs 3-5 are reserve spaces that only the gradient op reads
// (their meaning depends on the device and on oneDNN, so they are passed on
// untouched). The biased variance is derived from output 2 here, so this file
// does not depend on what a reserve space holds.
//
// Limits: NHWC rank-4 float32 on the `tensorflow` backend (fusedBatchNormSupported).
// The gradient is first order: the gradient op's outputs are not recorded on
// tfjs' tape, so a gradient of this gradient would be wrong (no kdlab method takes one).
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs-node';
import { tf } from '../tf';

interface OpAttr { name: string; type: number; value: unknown }
interface NodeBackend {
  binding: { TF_ATTR_TYPE: number; TF_ATTR_FLOAT: number; TF_ATTR_STRING: number; TF_ATTR_BOOL: number; TF_FLOAT: number };
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: Tensor[], numOutputs: number): Tensor[];
}

export interface FusedBatchNormTraining {
  /** Normalised, scaled and shifted input (differentiable wrt x, gamma, beta). */
  y: Tensor4D;
  /** Batch mean per channel. */
  mean: Tensor1D;
  /** Batch variance per channel, biased (divided by n), as tf.moments gives it. */
  variance: Tensor1D;
  /** Batch variance with Bessel's correction (divided by n - 1), as PyTorch's running_var uses. */
  unbiasedVariance: Tensor1D;
}

/** Whether fusedBatchNormTraining can run this input (else use the unfused path). */
export function fusedBatchNormSupported(x: Tensor): boolean {
  return tf.getBackend() === 'tensorflow' && x.rank === 4 && x.dtype === 'float32';
}

function attrs(backend: NodeBackend, epsilon: number): OpAttr[] {
  const b = backend.binding;
  return [
    { name: 'T', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
    { name: 'U', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
    { name: 'epsilon', type: b.TF_ATTR_FLOAT, value: epsilon },
    { name: 'data_format', type: b.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: b.TF_ATTR_BOOL, value: true },
  ];
}

/**
 * Batch norm over axes 0..2 of an NHWC tensor with batch statistics (training mode).
 * Gradients of `y` flow to x, gamma and beta through FusedBatchNormGradV3.
 */
export function fusedBatchNormTraining(x: Tensor4D, gamma: Tensor1D, beta: Tensor1D, epsilon: number): FusedBatchNormTraining {
  if (!fusedBatchNormSupported(x)) {
    throw new Error(`fusedBatchNormTraining: needs a rank-4 float32 NHWC tensor on the tensorflow backend; got rank ${x.rank} ${x.dtype} on ${tf.getBackend()}`);
  }
  const depth = x.shape[3];
  if (gamma.shape[0] !== depth || beta.shape[0] !== depth) {
    throw new Error(`fusedBatchNormTraining: gamma [${gamma.shape}] and beta [${beta.shape}] must have the input's ${depth} channels`);
  }
  const backend = tf.backend() as unknown as NodeBackend;
  const n = x.shape[0] * x.shape[1] * x.shape[2];
  return tf.tidy(() => {
    // With exponential_avg_factor 1 (the default) TensorFlow ignores the mean/variance inputs in training; they may be empty.
    const empty = tf.tensor1d([], 'float32');
    const [y, mean, unbiased, r1, r2, r3] = backend.executeMultipleOutputs('FusedBatchNormV3', attrs(backend, epsilon), [x, gamma, beta, empty, empty], 6);
    // customGrad passes (x, gamma, beta, save); its declared type is a list of either.
    const withGrad = tf.customGrad(((...args: unknown[]) => {
      const [xIn, gammaIn, , save] = args as [Tensor, Tensor, Tensor, (ts: Tensor[]) => void];
      save([xIn, gammaIn, r1, r2, r3]);
      return {
        value: y.clone(),
        gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
          const [xs, gs, s1, s2, s3] = saved;
          const outs = backend.executeMultipleOutputs('FusedBatchNormGradV3', attrs(backend, epsilon), [dy as Tensor, xs, gs, s1, s2, s3], 5);
          outs.slice(3).forEach((t) => t.dispose());
          return outs.slice(0, 3);
        },
      };
    }) as Parameters<typeof tf.customGrad>[0]);
    const out = withGrad(x, gamma, beta) as Tensor4D;
    // TensorFlow's n/(n-1) correction is 1 when n = 1.
    const variance = n > 1 ? tf.mul(unbiased, (n - 1) / n) : unbiased.clone();
    return { y: out, mean: mean as Tensor1D, variance: variance as Tensor1D, unbiasedVariance: unbiased as Tensor1D };
  });
}
