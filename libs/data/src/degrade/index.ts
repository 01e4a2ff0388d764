// Blind-SR degradations (issue 11): classic DASR/KDSR pipeline in floating point, training
// sampling, cached benchmarks. See libs/data/README.md, "Degradations".
export { quantizeToUint8, toFloatImage, type FloatImage } from './float-image';
export { anisotropicGaussianKernel, isotropicGaussianKernel, type Kernel } from './kernels';
export { blurReflect } from './blur';
export { imresizeBicubicFloat } from './resize-float';
export { addGaussianNoise } from './noise';
export {
  BLUR_TYPES, blurKernel, checkClassicDegradation, DEGRADE_VERSION, degradeClassic,
  type BlurSpec, type ClassicDegradation,
} from './classic';
export { sampleClassicDegradation, type DegradationRanges } from './sample';
export { generalizedGaussianKernel, plateauKernel, sincKernel, besselJ1, padKernel } from './kernels-real';
export { interpolate, INTERPOLATION_MODES, type InterpolationMode } from './interpolate';
export { addGaussianNoiseReal, addPoissonNoiseReal } from './noise-real';
export {
  degradeSecondOrder, KERNEL_TYPES, REALESRGAN_X4_OPTIONS, sampleRealKernel, SECOND_ORDER_VERSION, type RealKernelDraw, type SecondOrderOptions, type SecondOrderTrace,
} from './second-order';
export {
  BENCHMARK_SETTINGS, REALESRGAN_X4, type BenchmarkDegradation, benchmarkDigest, degradationCacheKey, GAUSSIAN8_X4, imageSeed, KDSR_ANISO_NOISE10_X4,
  loadDegradedPairs, pixelSha256, type BenchmarkSetting, type DegradedPair, type LoadDegradedOptions,
} from './benchmarks';
