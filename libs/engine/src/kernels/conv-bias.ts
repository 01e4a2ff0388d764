// Convolution with its bias (and its activation) in one oneDNN primitive: TensorFlow's
// `_MklNativeConv2DWithBias` and `_MklNativeFusedConv2D`, for tfjs' FusedConv2D kernel.
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
// this kernel.
//
// The activation: `_MklNativeFusedConv2D` (fused_ops [BiasAdd, Relu | Relu6 | Elu | LeakyRelu])
// applies it inside the same primitive, saving one pass over the output (a [16,48,48,64] ReLU is
// ~1 ms). Its `fused_ops` is a list(string) and `TArgs` a list(type), which only kdlab's patched
// binding can set (tools/provision/tfjs-native.js); a binding without the patch fails the second
// probe and the activation is applied after the conv, as tfjs-node does. tfjs-core unfuses a
// non-linear activation whenever gradients are recorded, so through tf.fused.conv2d the fused
// activation runs in inference (and a frozen teacher's forward) only; ops/conv-bias-relu.ts calls
// this kernel under the tape for training. KDLAB_FUSED_ACTIVATION=0 turns the fused activation off alone.
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

/** Whether conv + bias + activation may run as one op (KDLAB_FUSED_ACTIVATION=0 turns it off, for A/B timings). */
export const fusedActivationEnabled = (): boolean => process.env.KDLAB_FUSED_ACTIVATION !== '0';

/** tfjs activation name -> the `fused_ops` entry oneDNN applies in the conv primitive. */
const FUSED_ACTIVATIONS: Record<string, string> = { relu: 'Relu', relu6: 'Relu6', elu: 'Elu', leakyrelu: 'LeakyRelu' };

/** `_MklNativeFusedConv2D`'s attributes for conv + bias + `activation` (a key of FUSED_ACTIVATIONS). */
function fusedAttrs(b: NodeBackend, conv: OpAttr[], activation: string, leakyreluAlpha = 0.2): OpAttr[] {
  return [
    ...conv,
    { name: 'num_args', type: b.binding.TF_ATTR_INT, value: 1 },
    { name: 'TArgs', type: b.binding.TF_ATTR_TYPE, value: [b.binding.TF_FLOAT] },
    { name: 'fused_ops', type: b.binding.TF_ATTR_STRING, value: ['BiasAdd', FUSED_ACTIVATIONS[activation]] },
    { name: 'leakyrelu_alpha', type: b.binding.TF_ATTR_FLOAT, value: leakyreluAlpha },
  ];
}

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

/**
 * Runs `op` on a tiny input and checks it against Conv2D + Add (+ ReLU when `relu`); false if the
 * build lacks the op or the binding cannot set its attributes.
 */
function probe(tf: Tf, b: NodeBackend, op: string, attrs: OpAttr[], relu: boolean): boolean {
  try {
    return tf.tidy(() => {
      const x = tf.tensor4d([1, -2, 3, 0.5, 4, -1, 2, 2, -3, 1, 0, 5], [1, 2, 3, 2]);
      const f = tf.tensor4d([0.5, -1, 2, 1, -0.5, 0.25, 1, 3, -2, 0.5, 1, -1, 0.75, 2, -1, 0.5, 1, 1], [3, 3, 2, 1]);
      const bias = tf.tensor1d([0.125]);
      const got = b.executeSingleOutput(op, attrs, [x, f, bias]);
      const linear = tf.add(tf.conv2d(x, f as never, 1, 'same'), bias);
      const want = relu ? tf.relu(linear) : linear;
      // The input has outputs of both signs, so a ReLU that was not applied shows.
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
  const tiny = convAttrs(backend, [1, 1], [1, 1], 'SAME');
  if (!probe(tf, backend, '_MklNativeConv2DWithBias', tiny, false)) return false;
  const fuseActivation = fusedActivationEnabled() && probe(tf, backend, '_MklNativeFusedConv2D', fusedAttrs(backend, tiny, 'relu'), true);
  const change = `FusedConv2D with bias -> _MklNativeConv2DWithBias${fuseActivation ? ' (_MklNativeFusedConv2D with relu, relu6, elu, leakyrelu)' : ''}`;
  overrideTensorflowKernel(tf, 'FusedConv2D', change, ({ inputs, attrs }, b) => {
    const { x, filter, bias, preluActivationWeights } = inputs as { x: Tensor4D; filter: Tensor4D; bias?: Tensor; preluActivationWeights?: Tensor };
    const a = attrs as unknown as FusedConvAttrs;
    if (bias == null || bias.rank !== 1 || x.dtype !== 'float32' || filter.dtype !== 'float32' || bias.dtype !== 'float32') return null;
    if (a.dataFormat !== 'NHWC' || (a.pad !== 'same' && a.pad !== 'valid')) return null;
    const conv = convAttrs(b, pair(a.strides), pair(a.dilations), a.pad === 'same' ? 'SAME' : 'VALID');
    if (fuseActivation && a.activation in FUSED_ACTIVATIONS) {
      return b.executeSingleOutput('_MklNativeFusedConv2D', fusedAttrs(b, conv, a.activation, a.leakyreluAlpha), [x, filter, bias]);
    }
    const linear = b.executeSingleOutput('_MklNativeConv2DWithBias', conv, [x, filter, bias]);
    const out = (b as unknown as ActivationBackend).applyActivation(linear, a.activation, preluActivationWeights, a.leakyreluAlpha);
    if (out !== linear) linear.dispose();
    return out;
  });
  return true;
}
