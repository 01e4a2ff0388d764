// @kdlab/data: data root, image I/O, MATLAB-compatible degradations, SR pairs and patches,
// dataset manifests. Interface agreed in docs/CONTRIBUTING.md; additions beyond it:
// ImageReadError, decodeImage/encodeImage, listImageFiles, createImage/assertImage/toRgb/cropImage,
// contributions/cubic (imresize internals), LoadSrPairsOptions ('A+B' dataset names),
// PatchSamplerState, PatchSamplerOptions.smallImages ('skip' by default: pairs whose LR is
// smaller than the patch are left out, listed in PatchSampler.skipped and warned about; 'error'
// refuses them), PatchSampler.drawn, manifest helpers (listManifests, manifestFiles, hashDatasetFiles, rehashManifest, datasetDigest),
// writeFileAtomic, IMRESIZE_VERSION and srLrCacheName (the LR cache key carries the resize
// algorithm's version), SrPair.file/sha256, DatasetManifest.heldOutOf (validation splits carved
// from training data).
export { dataPath, dataRoot, repoRoot } from './root';
export { assertImage, createImage, cropImage, toRgb, type Image } from './image';
export { decodeImage, encodeImage, ImageReadError, listImageFiles, readImage, READABLE_EXTENSIONS, writeImage } from './codec';
export { contributions, cubic, IMRESIZE_VERSION, imresizeBicubic, resizedLength, type Contributions } from './imresize';
export { modcrop } from './modcrop';
export { imageToTensor, tensorToImage } from './tensor';
export { defaultSrCacheDir, loadSrPairs, srLrCacheName, type LoadSrPairsOptions, type SrPair } from './sr-pairs';
export { PatchSampler, type PatchSamplerOptions, type PatchSamplerState } from './patch-sampler';
export {
  DatasetManifestSchema, datasetDir, heldOutSha256s, listManifests, loadManifest, manifestFiles, manifestPath,
  type DatasetManifest, type ManifestFile,
} from './manifest';
export { checkFile, datasetDigest, hashDatasetFiles, rehashManifest, sha256, verifyDataset } from './verify';
export { writeFileAtomic } from './atomic';
// EDF / EDF+ (EEG): header, µV signals, TAL annotations (added for experiments/eeg).
export * from './edf';
// CT (issue 13): DICOM slices in HU, parallel-beam projector, FBP, physical low-dose simulation.
export * from './ct';
// Blind-SR degradations (issue 11): Gaussian kernels, reflect blur, float bicubic, noise, benchmarks.
export * from './degrade';
// Reference-based SR (issue 12): opencv-doc's real two-view pairs, OpenCV XML homographies.
export { loadRefPair, opencvDocDir, parseOpenCvMatrix, REF_PAIRS, type Homography, type RefPair, type RefPairName } from './ref-pairs';
export { homographyFromCorners, invertHomography, randomHomographyPair, warpPerspective, type HomographyPair } from './homography-pair';
