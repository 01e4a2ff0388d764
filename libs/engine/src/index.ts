export { tf, engine } from './tf';
export type { Tf } from './tf';
export {
  BackendUnavailableError,
  INSTALL_HINT,
  cudaDevicePresent,
  gpuBindingBuilt,
  GPU_INSTALL_HINT,
  loadEngine,
  parseBackendRequest,
  type BackendRequest,
  type LoadedEngine,
  type LoaderHooks,
} from './backend';
export { engineInfo, threadSettings, THREAD_ENV_VARS, ENGINE_SWITCHES, type EngineInfo, type ThreadSettings } from './provenance';
export { gpuInfo, parseNvidiaSmi, type GpuInfo, type GpuDevice } from './gpu-info';
export { Rng } from './rng';
export { expectNoLeaks, TensorLeakError } from './leak';
export { spaceToDepth } from './depth-space';
export { FlatAdamOptimizer, adam as flatAdam } from './optimizers/flat-adam';
export { conv2dBiasRelu, type ConvBiasReluArgs } from './ops/conv-bias-relu';
export { fusedActivationEnabled } from './kernels/conv-bias';
export { fusedBatchNormSupported, fusedBatchNormTraining, type FusedBatchNormTraining } from './kernels/fused-batch-norm';
// Types only (erased at run time): values always come from `tf` above.
export type {
  Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Tensor5D, Scalar, Variable, Rank, NamedTensorMap,
  LayersModel, SymbolicTensor, Optimizer, TensorContainer, DataType, GradSaveFunc,
} from '@tensorflow/tfjs-node';
