// @kdlab/kd: the distillation core every domain reuses.
//
// Agreed interface (docs/CONTRIBUTING.md): Taps, tapModel, Adapter, createAdapter,
// DistillLoss, createLoss, TermSpec, DistillationObjective.
// Additions: tapModel also returns `names`; tapChannels(model, names);
// LossContext (third, optional argument of DistillLoss.compute: target and both
// taps, used by FACD's adaptive gate); DistillLoss.needsSameChannels;
// registerLoss / listLosses; Adapter.spec / dispose; the objective's
// static tapNames(terms), studentTaps / teacherTaps / needsTeacher / termNames / weightNames /
// getWeights / setWeights / dispose; stopGradient; spatialAffinity.
// Learned losses (added for classification): DistillLoss.build(channels, seed) /
// trainableWeights / dispose — a loss may own weights (a critic, projection heads);
// the objective builds them with the term's channel counts and trains, checkpoints
// (weightNames 'loss/<term>/<i>') and disposes them with the adapters.
//
// Loss kinds (one file each in src/losses/): l1, l2, fitnet, fakd, facd, lsfd; for classification
// (golden values in golden/cls_losses.json): ce, kd (Hinton), at, sp, mimkd, mcl.
// For speech enhancement (golden/speech_losses.json): mrstft (MANNER's L1 + multi-resolution STFT), mvat (MV-AT, abstract-only).
// For blind SR (golden/blindsr_losses.json): kdsr-idr-kl (KDSR's stage-2 KL on the IDE representation).
// MRDA (golden/mrda_losses.json): mrda-repr-kd (KL + 0.1 · L1 on the DEN representation).
// Adding a loss: one file src/losses/<kind>.ts with a class extending
// DistillLoss (a doc comment citing the paper, the formula and every choice)
// that calls registerLoss(kind, zodSchema, factory, source) (source: ./source.ts, mandatory); it is loaded on first use.
// Then add its cases to golden/gen_losses.py and regenerate losses.json: the
// test 'every registered loss kind has golden cases' fails until they exist.
export { tapModel, tapChannels, type Taps, type TappedModel } from './taps';
export { createAdapter, type Adapter, type AdapterSpec } from './adapter';
export { DistillLoss, createLoss, registerLoss, listLosses, lossSource, lossOptions, type LossContext, type LossSpec } from './loss';
export { registerMethodSource, listMethodSources, type MethodSource, type SourceLevel, type SourcedMethod } from './source';
export { DistillationObjective, termSpecSchema, OUTPUT, TARGET, type TermSpec, type TapChannels } from './objective';
export { stopGradient } from './stop-gradient';
// Segmentation (GlaS / CoCo DistillNet): auxiliary networks of losses (trained by their own optimiser
// after each student step: a WGAN critic, a paraphraser) and layers a loss reads through its context.
export { auxiliaryOf, extraTapsOf, type AuxiliaryNetwork, type ExtraTaps, type StudentStep } from './auxiliary';
export { ConvStack, leakyRelu, type ConvLayerSpec } from './conv-stack';
export { spatialAffinity } from './losses/fakd';
// Hint points chosen by clustering the teacher's layers (PURSUhInT-style), for FitNet/AT terms.
export { selectHintPoints, describeLayers, pairHints, probeSpatialSizes, standardise, HINT_METRICS, type HintSelection, type LayerDescription, type HintMetric } from './hints/clustered';
export { kMeans, type KMeansResult } from './hints/kmeans';
export { linearCka } from './hints/cka';
// The cross-task weight rule (each term starts at a fixed fraction of the task loss on the first batch).
export { calibratedWeights, type Calibration, type CalibrationInput } from './calibrate';
// Meta-KD (issue 10): the meta-gradient of a distillation module after a virtual student step
// (second order by a central difference of first-order gradients).
export { metaGradient, type MetaGradientParts } from './meta/meta-gradient';
