// Custom layers; importing this module registers them for model save/load.
export { PixelShuffle, pixelShuffle, pixelUnshuffle, type PixelShuffleArgs, type ShuffleInputOrder } from './pixel-shuffle';
export { DepthToSpaceConv2D, depthToSpaceEnabled, shuffledConv, toDepthToSpaceOrder, type DepthToSpaceConv2DArgs } from './shuffle-conv';
export { MeanShift, DIV2K_RGB_MEAN, type MeanShiftArgs } from './mean-shift';
export { Scale, type ScaleArgs } from './scale';
export { AtrousConv2D, type AtrousConv2DArgs } from './atrous-conv';
export { DeformConv2D, bilinearGather, type DeformConv2DArgs } from './deform-conv';
export { ReluConv2D, conv2dLayer } from './relu-conv';
export { FusedBatchNormalization, batchNorm, type FusedBatchNormArgs } from './batch-norm';
