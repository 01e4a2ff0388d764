// conv2d + bias + ReLU whose forward stays one kernel while gradients are recorded.
//
// Why: tfjs-core's fused.conv2d runs the conv, the bias add and the activation as three
// ops whenever a gradient is being taken (its shouldFuse keeps only 'linear' fused under a
// tape), so every ReLU conv of a training step writes its output three times. This op calls
// the FusedConv2D kernel itself (on the tensorflow backend oneDNN's conv + bias + ReLU
// primitive, kernels/conv-bias.ts) and supplies the gradient tfjs' fused op computes for
// 'relu': dy masked where y > 0 (ReluGrad when installed, else tfjs' step), then
// Conv2DBackpropInput, Conv2DBackpropFilter and the bias sum (BiasAddGrad).
//
// Limits: NHWC, dilation 1 (tfjs has no conv gradient for dilation > 1), first-order
// gradients (the backward ops are not on the tape; no kdlab method differentiates a
// gradient through a conv). Anything else goes to tf.fused.conv2d unchanged.
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs-node';
import { tf } from '../tf';
import { RELU_GRAD_KERNEL } from '../kernels/relu-grad';

export interface ConvBiasReluArgs {
  strides: [number, number];
  pad: 'same' | 'valid';
  dilations?: [number, number];
}

/** dy where y > 0, else 0 (y is a ReLU output, so y > 0 exactly where its input was). */
function reluGradAt(dy: Tensor, y: Tensor): Tensor {
  if (tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend())) return tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, x: y }) as Tensor;
  return tf.mul(dy, tf.step(y));
}

/** relu(conv2d(x, filter) + bias), one FusedConv2D kernel forward, also under a gradient tape. */
export function conv2dBiasRelu(x: Tensor4D, filter: Tensor4D, bias: Tensor1D, args: ConvBiasReluArgs): Tensor4D {
  const { strides, pad } = args;
  const dilations = args.dilations ?? [1, 1];
  if (dilations[0] !== 1 || dilations[1] !== 1 || x.rank !== 4 || bias.rank !== 1) {
    return tf.fused.conv2d({ x, filter, bias, strides, pad, dilations, activation: 'relu' });
  }
  const convAttrs = { strides, pad, dataFormat: 'NHWC' };
  const run = (kernel: string, inputs: Record<string, Tensor>, attrs: object) => tf.engine().runKernel(kernel, inputs, attrs as never) as Tensor;
  // customGrad passes (x, filter, bias, save); its declared type is a list of either.
  const op = tf.customGrad(((...args: unknown[]) => {
    const [xi, fi, bi, save] = args as [Tensor, Tensor, Tensor, (ts: Tensor[]) => void];
    const y = run('FusedConv2D', { x: xi, filter: fi, bias: bi }, { ...convAttrs, dilations, activation: 'relu' });
    save([xi, fi, y]);
    return {
      value: y,
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const [xs, fs, ys] = saved;
        const g = reluGradAt(dy as Tensor, ys);
        const dx = run('Conv2DBackpropInput', { dy: g, filter: fs }, { ...convAttrs, inputShape: xs.shape });
        const dw = run('Conv2DBackpropFilter', { x: xs, dy: g }, { ...convAttrs, filterShape: fs.shape });
        return [dx, dw, tf.sum(g, [0, 1, 2])];
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  return op(x, filter, bias) as Tensor4D;
}
