// Convolution with its bias in one oneDNN primitive: TensorFlow's
// `_MklNativeConv2DWithBias`, for tfjs' FusedConv2D kernel.
//
// Why: tfjs-node's FusedConv2D runs Conv2D, then a broadcasting Add for the bias
// (then the activation), so every conv output is written twice. oneDNN adds the bias
// inside the convolution. On a [16,48,48,64] -> 64 3x3 conv (this machine, 2
// threads): conv 15.3 ms, conv + bias add 18.0 ms, `_MklNativeConv2DWithBias` 15.1 ms.
// An EDSR-baseline step runs 21 biased linear convs through this kernel in training
// and all 37 in inference.
//
// How it is reachable: `_MklNativeConv2DWithBias` is one of TensorFlow's internal
// oneDNN ops. Its CPU kernel is registered under the label `MklNameChangeOp`, which
// TensorFlow's own graph rewrite attaches; the tfjs-node binding can set that label
// as the `_kernel` string attribute (all other attributes are scalars or int lists,
// unlike `_FusedConv2D`'s list(string) `fused_ops`). Whether this TensorFlow build
// has the op (oneDNN: x86 CPU builds) is probed once at install on a tiny conv,
// compared against Conv2D + Add; if the probe fails, or TF_ENABLE_ONEDNN_OPTS=0 or
// KDLAB_CONV_BIAS=0 is set, tfjs' kernel stays. The gradient is unchanged: tfjs-core's fused conv2d takes it with its
// own customGrad (conv2DBackpropInput/Filter and a Sum for the bias), never through
// this kernel. Activations after the conv are applied as tfjs-node does.
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-node';
import type { Tf } from '../backend';
import { overrideTensorflowKernel, type NodeBackend, type OpAttr } from './node-op';

type FusedConvAttrs = {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | unknown;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation: string;
  leakyreluAlpha?: number;
};

interface ActivationBackend { applyActivation(x: Tensor, activation: string, prelu?: Tensor, leakyreluAlpha?: number): Tensor }

function convAttrs(b: NodeBackend, strides: [number, number], dilations: [number, number], padding: 'SAME' | 'VALID'): OpAttr[] {
  return [
    { name: 'T', type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT },
    { name: 'strides', type: b.binding.TF_ATTR_INT, value: [1, strides[0], strides[1], 1] },
    { name: 'padding', type: b.binding.TF_ATTR_STRING, value: padding },
    { name: 'data_format', type: b.binding.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'dilations', type: b.binding.TF_ATTR_INT, value: [1, dilations[0], dilations[1], 1] },
    { name: '_kernel', type: b.binding.TF_ATTR_STRING, value: 'MklNameChangeOp' },
  ];
}

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** Runs the fused op on a tiny input and checks it against Conv2D + Add; false if the build lacks it. */
function probe(tf: Tf, b: NodeBackend): boolean {
  try {
    return tf.tidy(() => {
      const x = tf.tensor4d([1, -2, 3, 0.5, 4, -1, 2, 2, -3, 1, 0, 5], [1, 2, 3, 2]);
      const f = tf.tensor4d([0.5, -1, 2, 1, -0.5, 0.25, 1, 3, -2, 0.5, 1, -1, 0.75, 2, -1, 0.5, 1, 1], [3, 3, 2, 1]);
      const bias = tf.tensor1d([0.125]);
      const got = b.executeSingleOutput('_MklNativeConv2DWithBias', convAttrs(b, [1, 1], [1, 1], 'SAME'), [x, f, bias]);
      const want = tf.add(tf.conv2d(x, f as never, 1, 'same'), bias);
      return got.shape.join() === want.shape.join() && tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] < 1e-5;
    });
  } catch {
    return false;
  }
}

/** Installs the kernel when the probe passes; returns whether it did (recorded in provenance). */
export function installConvBias(tf: Tf): boolean {
  // TF_ENABLE_ONEDNN_OPTS=0 asks for TensorFlow without oneDNN; the op would still run (its kernel is
  // registered either way), so honour the setting here. KDLAB_CONV_BIAS=0 turns this kernel off alone.
  if (tf.getBackend() !== 'tensorflow' || process.env.KDLAB_CONV_BIAS === '0' || process.env.TF_ENABLE_ONEDNN_OPTS === '0') return false;
  const backend = tf.backend() as unknown as NodeBackend;
  if (!probe(tf, backend)) return false;
  overrideTensorflowKernel(tf, 'FusedConv2D', 'FusedConv2D with bias -> _MklNativeConv2DWithBias', ({ inputs, attrs }, b) => {
    const { x, filter, bias, preluActivationWeights } = inputs as { x: Tensor4D; filter: Tensor4D; bias?: Tensor; preluActivationWeights?: Tensor };
    const a = attrs as unknown as FusedConvAttrs;
    if (bias == null || bias.rank !== 1 || x.dtype !== 'float32' || filter.dtype !== 'float32' || bias.dtype !== 'float32') return null;
    if (a.dataFormat !== 'NHWC' || (a.pad !== 'same' && a.pad !== 'valid')) return null;
    const conv = b.executeSingleOutput('_MklNativeConv2DWithBias', convAttrs(b, pair(a.strides), pair(a.dilations), a.pad === 'same' ? 'SAME' : 'VALID'), [x, filter, bias]);
    const out = (b as unknown as ActivationBackend).applyActivation(conv, a.activation, preluActivationWeights, a.leakyreluAlpha);
    if (out !== conv) conv.dispose();
    return out;
  });
  return true;
}
