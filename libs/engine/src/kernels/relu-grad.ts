// The ReLU gradient as TensorFlow's ReluGrad: dy where x > 0, else 0, in one op.
//
// Why: tfjs' gradient of Relu is mul(dy, cast(step(x))): Step (itself several ops,
// see step.ts), Cast and Multiply, three or more passes over a full activation. In an
// EDSR-baseline training step that was ~110 ms of ~3.3 s (tf.profile); on a
// [16,96,96,256] tensor ReluGrad takes 7.2 ms against 53.5 ms.
//
// Semantics: equal to tfjs' except where x is NaN: tfjs gives NaN, ReluGrad 0, as
// PyTorch's threshold_backward does. The kernel has its own gradient (wrt dy:
// ReluGrad again; wrt x: zero), so a second-order gradient through ReLU stays right.
// Other backends, and non-float32 tensors, keep tfjs' gradient.
import type { Tensor } from '@tensorflow/tfjs-node';
import type { Tf } from '../backend';
import { engineKernelChanges, type NodeBackend } from './node-op';

export const RELU_GRAD_KERNEL = 'KdlabReluGrad';

export function installReluGrad(tf: Tf): void {
  if (tf.getBackend() !== 'tensorflow' || tf.getKernel(RELU_GRAD_KERNEL, 'tensorflow')) return;
  const original = tf.getGradient('Relu');
  if (!original) throw new Error("installReluGrad: tfjs has no gradient registered for 'Relu'");
  tf.registerKernel({
    kernelName: RELU_GRAD_KERNEL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend }) => {
      const { dy, x } = inputs as { dy: Tensor; x: Tensor };
      const b = backend as unknown as NodeBackend;
      return b.executeSingleOutput('ReluGrad', [{ name: 'T', type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT }], [dy, x]);
    },
  });
  const reluGrad = (dy: Tensor, x: Tensor): Tensor => tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, x }) as Tensor;
  tf.registerGradient({
    kernelName: RELU_GRAD_KERNEL,
    inputsToSave: ['x'],
    gradFunc: (ddy, saved) => {
      const [x] = saved;
      return { dy: () => reluGrad(ddy as Tensor, x), x: () => tf.zerosLike(x) };
    },
  });
  tf.registerGradient({
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const native = tf.getBackend() === 'tensorflow' && x.dtype === 'float32' && (dy as Tensor).dtype === 'float32';
      return native ? { x: () => reluGrad(dy as Tensor, x) } : original.gradFunc(dy, saved, attrs);
    },
  });
  engineKernelChanges.push('Relu gradient -> ReluGrad');
}
