// Writes the retrieval dataset manifests: Flickr8k-1k split by image into train/val/test
// (datasets/flickr8k-1k-{train,val,test}.json, each listing its images and the shared captions
// file with sha256), and the declared Flickr30K / MS-COCO Karpathy splits (no files here).
// Usage: npx tsx experiments/retrieval/tools/write-manifests.ts
import * as fs from 'fs';
import * as path from 'path';
import { dataPath, repoRoot, sha256, writeFileAtomic, type DatasetManifest } from '@kdlab/data';
import { FLICKR8K_ROOT, FLICKR8K_SPLIT, splitImages } from '../src/data/flickr8k';

function write(manifest: DatasetManifest): void {
  const { files, ...head } = manifest;
  const top = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const body = files.map((f) => `    ${JSON.stringify(f)}`).join(',\n');
  const out = path.join(repoRoot(), 'datasets', `${manifest.name}.json`);
  writeFileAtomic(out, files.length ? `${top},\n  "files": [\n${body}\n  ]\n}\n` : `${top},\n  "files": []\n}\n`);
  console.log(`${out}: ${files.length} files`);
}

const dir = dataPath(FLICKR8K_ROOT);
const entry = (rel: string) => {
  const bytes = fs.readFileSync(path.join(dir, rel));
  return { path: rel, sha256: sha256(bytes), bytes: bytes.length };
};
const images = fs.readdirSync(path.join(dir, 'images')).filter((f) => f.endsWith('.jpg'));
const split = splitImages(images);
for (const part of ['train', 'val', 'test'] as const) {
  write({
    name: `flickr8k-1k-${part}`,
    description: `Flickr8k-1k ${part} split: ${split[part].length} Flickr8k images (JPEG) with 5 human captions each (captions.txt, CSV image,caption)`,
    task: 'retrieval',
    split: part,
    root: FLICKR8K_ROOT,
    license: 'Flickr8k terms (Hodosh et al. 2013): research use',
    source: { url: 'https://github.com/quantumnaan/sic_translator', note: 'data/ at commit d27da85c: 1,000 of the 8,091 Flickr8k images and their captions' },
    citation: 'M. Hodosh, P. Young, J. Hockenmaier. Framing Image Description as a Ranking Task: Data, Models and Evaluation Metrics. JAIR 47, 2013.',
    notes: [
      `Split by image (${FLICKR8K_SPLIT.train}/${FLICKR8K_SPLIT.val}/${FLICKR8K_SPLIT.test}): images ordered by sha256 of their file name, the first ${FLICKR8K_SPLIT.train} train, the next ${FLICKR8K_SPLIT.val} val, the last ${FLICKR8K_SPLIT.test} test; all five captions of an image stay with it.`,
      'captions.txt is listed in every split (the same file); experiments/retrieval keeps the rows of the split\'s images.',
    ],
    files: [entry('captions.txt'), ...split[part].map((f) => entry(`images/${f}`))],
  });
}

const karpathy = 'A. Karpathy, L. Fei-Fei. Deep Visual-Semantic Alignments for Generating Image Descriptions. CVPR 2015 (the splits).';
write({
  name: 'flickr30k-karpathy',
  description: 'Flickr30K with the Karpathy split (29,000 train / 1,014 val / 1,000 test images, 5 captions each): the standard image-text retrieval benchmark (1K test)',
  task: 'retrieval',
  split: 'train+val+test',
  root: 'retrieval/flickr30k',
  license: 'Flickr30K terms (Young et al. 2014): research use; images under their Flickr licences',
  source: { url: 'https://shannon.cs.illinois.edu/DenotationGraph/', note: 'images from the authors on request; split file dataset_flickr30k.json from Karpathy\'s neuraltalk release' },
  citation: `P. Young, A. Lai, M. Hodosh, J. Hockenmaier. From image descriptions to visual denotations. TACL 2, 2014. ${karpathy}`,
  filesNote: 'not on this machine: place flickr30k-images/ and dataset_flickr30k.json under <data root>/retrieval/flickr30k and run npx tsx datasets/hash.ts flickr30k-karpathy',
  files: [],
});
write({
  name: 'coco-karpathy',
  description: 'MS-COCO 2014 with the Karpathy split (113,287 train / 5,000 val / 5,000 test images, ~5 captions each); retrieval reports the 5K test and the mean over five 1K folds',
  task: 'retrieval',
  split: 'train+val+test',
  root: 'retrieval/coco',
  license: 'COCO annotations CC BY 4.0; images under their Flickr licences',
  source: { url: 'https://cocodataset.org/#download', note: 'train2014/val2014 images; split file dataset_coco.json from Karpathy\'s neuraltalk release' },
  citation: `T.-Y. Lin et al. Microsoft COCO: Common Objects in Context. ECCV 2014. ${karpathy}`,
  filesNote: 'not on this machine: place train2014/, val2014/ and dataset_coco.json under <data root>/retrieval/coco and run npx tsx datasets/hash.ts coco-karpathy',
  files: [],
});
