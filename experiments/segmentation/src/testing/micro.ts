// A micro segmentation profile for tests: 3 GlaS training images at 1/4 resolution,
// 32-px crops, a 4-channel U-Net teacher and a tiny ENet, a few steps, one testB image.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '../../../..');
export const CONFIGS = path.join(REPO, 'experiments/segmentation/configs');

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kdlab-seg-${tag}-`));
}

export function microProfile(dir: string, steps = 4): string {
  const file = path.join(dir, 'micro.yaml');
  fs.writeFileSync(
    file,
    `extends: ${path.join(CONFIGS, 'base.yaml')}
experiment: seg-micro
data: { downsample: 4, crop: 32, batch: 2, trainLimit: 3 }
eval: { splits: [testB], limit: 1, tile: 64, overlap: 16, batch: 4 }
teacher:
  model: { arch: unet, base: 4, aspp: true }
  train:
    loss: { kind: pixel-ce }
    optim: { optimizer: { kind: adam, lr: 0.001 } }
    train: { steps: 2, checkpointEvery: 2 }
student:
  model: { arch: enet, initial: 8, widths: [8, 16] }
optim:
  optimizer: { kind: adam, lr: 0.001 }
train: { steps: ${steps}, logEvery: 2, checkpointEvery: 2, keepCheckpoints: 10 }
`,
  );
  return file;
}
