// The process-wide TensorFlow.js instance. Import `tf` from here, never from
// '@tensorflow/tfjs*' directly, so that backend choice happens in one place.
// TensorFlow's C++ INFO lines (oneDNN notices) drown the progress output; warnings stay.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';

import { loadEngine, parseBackendRequest, type LoadedEngine } from './backend';
import { installBiasAdd } from './kernels/bias-add';
import { installConvBias } from './kernels/conv-bias';
import { installReluGrad } from './kernels/relu-grad';
import { installFastStep } from './kernels/step';
import { installDepthToSpace } from './kernels/depth-to-space';

export const engine: LoadedEngine = loadEngine(parseBackendRequest(process.env.KDLAB_BACKEND));
export const tf = engine.tf;
installFastStep(tf);
installDepthToSpace(tf);
// KDLAB_NATIVE_KERNELS=0 keeps tfjs' own ReLU gradient, bias add/sum and conv kernels (for A/B timings).
const nativeKernels = process.env.KDLAB_NATIVE_KERNELS !== '0';
if (nativeKernels) {
  installReluGrad(tf);
  installBiasAdd(tf);
}
// oneDNN's conv + bias is a CPU kernel; on CUDA, eager placement could move every conv to the CPU.
export const convBiasFused = nativeKernels && engine.device === 'cpu' && installConvBias(tf);
export type { Tf } from './backend';
