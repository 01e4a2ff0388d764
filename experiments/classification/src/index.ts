// @kdlab/classification: image classification for kdlab (CIFAR-10,
// Fashion-MNIST). Importing it registers the `classification` task with the
// runner (found through this package's "kdlab.tasks").
import { registerTask } from '@kdlab/runner';
import { classificationTask } from './task';

registerTask(classificationTask);

export { classificationTask, ClassificationTaskInstance, accuracyResult } from './task';
export { clsDataSchema, clsEvalSchema, DATASETS, type ClsData, type ClsEval, type ClassificationDataset } from './schema';
export { clsMetricKey, peerMetric, ENSEMBLE_METRIC, PER_CLASS_FILE, CLS_CONVENTION } from './naming';
export { loadCifar10, CIFAR10_CLASSES, type Cifar10 } from './data/cifar10';
export { loadFashionMnist, FASHION_MNIST_CLASSES, type FashionMnist } from './data/fashion-mnist';
export { parseIdx, readIdx } from './data/idx';
export { balancedSubset, type LabelledImages } from './data/labelled-images';
export { ClassificationBatches } from './data/batch-stream';
export { clsQuick, clsPaper, clsRows, clsColumns, clsReproduction, type ClsProfile } from './reproductions';
import { clsQuick, clsPaper } from './reproductions';
import { pixelQuick } from './pixel';

/** `kdlab reproduce <name>` finds these through package.json's `kdlab.reproductions`. */
export const reproductions = { 'cls-quick': clsQuick, 'cls-paper': clsPaper, 'pixel-quick': pixelQuick };
export { pixelQuick, pixelReproduction, pixelRows, pixelColumns, writeAssistantOverlay, PIXEL_FACTORS, PIXEL_QUICK_PROFILE, PIXEL_QUICK_FMNIST_PROFILE, type PixelProfile, type PixelFactor } from './pixel';
export { chooseClusteredHints, withHints, blockLayers } from './hints';
