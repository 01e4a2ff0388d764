// Bias add and its gradient as TensorFlow's BiasAdd / BiasAddGrad.
//
// Why: tfjs adds a conv's bias with a broadcasting Add and takes the bias gradient
// with a Sum over N, H, W (plus an int32 axis tensor uploaded per call). TensorFlow's
// dedicated ops do the same arithmetic faster: on a [16,96,96,256] float32 tensor
// (this machine, 2 threads) Add 15.8 -> BiasAdd 11.8 ms, Sum 24.2 -> BiasAddGrad
// 14.6 ms; an EDSR-baseline training step has 37 of each. Both replacements are
// kernel-level: any Add of a rank >= 2 float32 tensor and a float32 vector along its
// last axis, and any float32 Sum over every axis but the last, take them; everything
// else goes to tfjs-node's kernels. Gradients are unchanged (tfjs registers them by
// kernel name: Add's and Sum's). Results equal tfjs' up to float summation order.
import type { Tensor } from '@tensorflow/tfjs-node';
import type { Tf } from '../backend';
import { float32Nhwc, overrideTensorflowKernel } from './node-op';

/** The vector's length equals the tensor's last dimension, both float32: a bias add. */
function isBiasPair(value: Tensor, bias: Tensor): boolean {
  return value.dtype === 'float32' && bias.dtype === 'float32' && bias.rank === 1 && value.rank >= 2 && value.shape[value.rank - 1] === bias.shape[0];
}

export function installBiasAdd(tf: Tf): void {
  overrideTensorflowKernel(tf, 'Add', 'Add of a bias vector -> BiasAdd', ({ inputs }, backend) => {
    const { a, b } = inputs as { a: Tensor; b: Tensor };
    if (isBiasPair(a, b)) return backend.executeSingleOutput('BiasAdd', float32Nhwc(backend), [a, b]);
    if (isBiasPair(b, a)) return backend.executeSingleOutput('BiasAdd', float32Nhwc(backend), [b, a]);
    return null;
  });
  overrideTensorflowKernel(tf, 'Sum', 'Sum over all axes but the last -> BiasAddGrad', ({ inputs, attrs }, backend) => {
    const { x } = inputs as { x: Tensor };
    if (x.dtype !== 'float32' || x.rank < 2) return null;
    const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    if (axes.length !== x.rank - 1 || axes.some((ax, k) => ax !== k)) return null;
    const summed = backend.executeSingleOutput('BiasAddGrad', float32Nhwc(backend), [x]);
    if (!keepDims) return summed;
    const kept = tf.reshape(summed, [...Array(x.rank - 1).fill(1), x.shape[x.rank - 1]]);
    summed.dispose();
    return kept;
  });
}
