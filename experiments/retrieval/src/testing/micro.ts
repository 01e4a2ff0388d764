// A micro retrieval profile for tests: the quick profile on the first 24 training images (120
// captions) and the first 10 test images, 16x16 images, groups of 8 candidates, a few steps.
// Features of these subsets are cached under <repo>/.cache like any split (seconds to compute).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '../../../..');
export const CONFIGS = path.join(REPO, 'experiments/retrieval/configs');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kdlab-${prefix}-`));
}

export function microProfile(dir: string, steps = 3): string {
  const file = path.join(dir, 'micro.yaml');
  fs.writeFileSync(
    file,
    `extends: ${path.join(CONFIGS, 'profiles/quick.yaml')}
experiment: retrieval-micro
data: { imageSize: 16, batch: 4, negatives: 7, trainImages: 24 }
eval: { images: 10, rerankK: 5, exampleImages: [0] }
teacher:
  train:
    train: { steps: ${steps}, logEvery: 1, checkpointEvery: ${steps} }
train: { steps: ${steps}, logEvery: 1, checkpointEvery: ${steps} }
`,
  );
  return file;
}
