// @kdlab/backbones: model architectures as tf.layers functional models.
//
// Agreed interface (docs/CONTRIBUTING.md): buildBackbone, countParams, countFlops.
// Additions: registerBackbone / registerPreset / listBackbones / resolveBackboneSpec,
// countMacs / inferShapes, the custom layers (PixelShuffle, MeanShift, Scale;
// registered for model.save / tf.loadLayersModel on import), the seeded
// PyTorch-default initializers, and the generic Registry / parseOptions that
// @kdlab/kd's loss registry shares.
//
// Adding an architecture: one file src/archs/<domain>/<arch>.ts that builds a
// tf.layers functional model (stable layer names = tap names; initializers
// seeded from the Rng it is given) and calls registerBackbone(arch, zodSchema,
// builder) and, for named configurations, registerPreset(name, arch, options).
// Every module under src/archs/ is loaded on first use; nothing else changes.
// A custom layer: extend tf.layers.Layer, give it a static className and call
// tf.serialization.registerClass so model.save / tf.loadLayersModel work.
//
// SR backbones (EDSR, RCAN): input [N, h, w, 3] in [0,1] -> output
// [N, h*s, w*s, 3] in [0,1] (not clipped). Tap names are listed at the top of
// archs/sr/edsr.ts and archs/sr/rcan.ts: 'head', 'body.block{i}' / 'body.group{g}',
// 'body' (trunk after the global skip, before the upsampler), 'upsample', 'tail'.
//
// Speech backbones (archs/speech/): manner (presets manner-base, manner-small), waveforms
// [N, 1, T, 1] in and out; taps 'enc{i}', 'dec{i}', 'bottleneck' and each attention view's map
// ('<block>.channel', '<block>.global.map', '<block>.local.map'; see archs/speech/manner.ts).
// Classification backbones (archs/classification/, added for the CIFAR KD methods):
// resnet-cifar (presets resnet8..110, resnet8x4, resnet32x4), wrn (wrn-16-2, wrn-40-2,
// wrn-40-1), mobilenetv2 (mobilenetv2-half), shufflenetv2 (shufflev2), and `peers` (a
// cohort of P networks in one model for online KD). Input [N, h, w, inputChannels]
// (normalised images), output logits [N, numClasses] ([N, P*numClasses] for peers);
// taps 'stem', 'stage{s}', 'stage{s}.block{b}', 'pool', 'logits' (archs/classification/common.ts).
// Custom layers ChannelSlice and ChannelShuffle (registered on import).
//
// Segmentation backbones (archs/segmentation/, added for GlaS / CoCo DistillNet): unet
// (preset unet-aspp-16, the teacher: U-Net with an ASPP bottleneck), mobilenetv2-unet
// (mobilenetv2-unet-half) and enet (enet-small), the compact students. Input [N, H, W, 3]
// with H, W multiples of 8, output logits [N, H, W, numClasses]; shared taps 'enc1'..'enc3'
// (strides 2, 4, 8), 'dec2', 'dec1', 'logits' (archs/segmentation/common.ts). AtrousConv2D:
// a dilated convolution that trains on TF.js (space-to-batch; TF.js has no dilated-conv gradient).
export { buildBackbone, registerBackbone, registerPreset, listBackbones, resolveBackboneSpec, type BackboneSpec, type BackboneBuilder } from './backbone';
export { countParams, countMacs, countFlops, inferShapes } from './count';
export { AtrousConv2D, type AtrousConv2DArgs } from './layers/atrous-conv';
export { PixelShuffle, pixelShuffle, pixelUnshuffle, MeanShift, Scale, DIV2K_RGB_MEAN, type PixelShuffleArgs, type ShuffleInputOrder, type MeanShiftArgs, type ScaleArgs } from './layers';
export { DepthToSpaceConv2D, depthToSpaceEnabled, shuffledConv, toDepthToSpaceOrder, type DepthToSpaceConv2DArgs } from './layers';
export { torchKernelInit, torchBiasInit, torchConvInit } from './init';
export { Registry, parseOptions, describeZodError } from './registry';
export { requireAll } from './discover';
export { ChannelSlice, type ChannelSliceArgs } from './archs/classification/channel-slice';
export { ChannelShuffle, type ChannelShuffleArgs } from './archs/classification/channel-shuffle';
// EEG decoders (archs/eeg/, added for experiments/eeg): eegnet (presets eegnet-8,2, eegnet-4,2),
// shallow-convnet, deep-convnet. Input [N, electrodes, samples, 1]; option `electrodes` keeps a
// montage (ElectrodeSelect); output logits [N, numClasses]; taps per file, 'flatten', 'logits'.
export { ElectrodeSelect, SeededDropout, type ElectrodeSelectArgs, type SeededDropoutArgs } from './archs/eeg/layers';
// Siamese trackers for visual object tracking (archs/tracking/, added for experiments/tracking):
// `siamese` (SiamFC / SiamRPN on an AlexNet-style embedding, a packed [N, S, S, 6] pair input) and
// `siamese-cohort` (several trackers in one model); siameseParts gives one tracker's embedding and
// head as functions for the online tracking loop.
export { siameseParts, siamesePrefixes, type SiameseParts } from './archs/tracking/siamese';
export { XCorr, xcorr, type XCorrArgs } from './archs/tracking/xcorr';
// Deformable convolution v1 (layers/deform-conv.ts; added for CT's dynamic enhancement module, for
// reuse by reference-based SR): inputs [features, offsets [N, H, W, 2k²]], bilinear sampling.
export { DeformConv2D, bilinearGather, type DeformConv2DArgs } from './layers/deform-conv';
// CT denoisers (archs/ct/, added for experiments/ct-denoising): redcnn (presets redcnn-tiny,
// redcnn-tiny-dem) with TSC-Net's dynamic enhancement module (attention + DeformConv2D). Input and
// output [N, H, W, 1]; taps 'enc1'..'enc5', 'bottleneck', 'dec1'..'dec4', 'output', 'dem.*'.
// EFDN (archs/sr/efdn.ts, added for issue 10): EDBB, the re-parameterisable edge-enhanced conv
// (layers/edbb.ts: training-time branches, foldEdbb into one 3x3 conv), ResizeLike (PyTorch-style
// bilinear, differentiable), and reparameterize(trained, deployed) which folds a model by layer name.
export { EDBB, EDBB_MASKS, edbbForward, foldEdbb, type EdbbArgs } from './layers/edbb';
export { ResizeLike, resizeBilinearTorch, linearInterpMatrix } from './layers/resize-like';
export { reparameterize } from './reparam';
// Reference-based SR (archs/ref-sr/, issue 12): contras-vgg (one view), contras-pair (C2-Matching's two
// extractors on a packed [N, H, W, 6] input; output both views' descriptors on the channel axis) and
// c2-restoration (LR ⊕ PixelUnshuffle(reference) ⊕ matcher flow → SR, correspondence-guided DeformConv2D).
export { VIEW1_DESCRIPTORS, VIEW2_DESCRIPTORS } from './archs/ref-sr/contras-pair';
export { restorationInputChannels } from './archs/ref-sr/c2-restoration';
export { WarpByFlow, FlowOffsets } from './archs/ref-sr/flow-layers';
export { OctaveConv, octaveConv, octaveMacs, lowFrequencyMask, type OctaveConvArgs } from './archs/blind-sr/octave-conv';
export { ConstantSplit, countFlopsAtSplit, hasDynamicSplit } from './archs/blind-sr/dcs-risr';
