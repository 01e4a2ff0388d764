// One place that maps a dataset name of the config to its reader.
import type { ClassificationDataset } from '../schema';
import { loadCifar10 } from './cifar10';
import { loadFashionMnist } from './fashion-mnist';
import type { LabelledImages } from './labelled-images';

export interface LoadedSplit extends LabelledImages {
  provenance: { name: string; files: number; sha256: string };
  /** Each image's file relative to the split folder, for datasets stored one file per image. */
  paths?: string[];
}

export function loadSplit(dataset: ClassificationDataset, split: 'train' | 'test', log?: (line: string) => void): LoadedSplit {
  switch (dataset) {
    case 'cifar10':
      return loadCifar10(split, { log });
    case 'fashion-mnist':
      return loadFashionMnist(split);
  }
}
