// A micro classification profile for tests: CIFAR-10, 6 training and 3 test
// images per class, tiny CIFAR ResNets (teacher depth 14, student depth 8, 4-8
// channels), a few steps. Seconds per run.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listBackbones, registerPreset } from '@kdlab/backbones';

export const REPO = path.resolve(__dirname, '../../../..');

// A preset, not inline options: the MCL method files replace the student's `arch` with
// `peers`, and inline options of the profile's student would be merged into the cohort's spec.
if (!listBackbones().presets.some((p) => p.name === 'micro-resnet8')) registerPreset('micro-resnet8', 'resnet-cifar', { depth: 8, widths: [4, 4, 8, 8] }, 'tests: a 4-8 channel resnet8');
const TINY_STUDENT = '{ arch: micro-resnet8 }';

export function microProfile(dir: string, steps = 4): { file: string; peersFile: string } {
  const file = path.join(dir, 'micro.yaml');
  fs.writeFileSync(
    file,
    `extends: ${path.join(REPO, 'experiments/classification/configs/base.yaml')}
experiment: cls-micro
data: { trainPerClass: 6, batch: 12 }
eval: { testPerClass: 3, batch: 16 }
teacher:
  model: { arch: resnet-cifar, depth: 14, widths: [4, 6, 8, 8] }
  train:
    loss: { kind: ce }
    optim: { optimizer: { kind: sgd, lr: 0.05, momentum: 0.9 } }
    train: { steps: ${steps}, checkpointEvery: ${steps} }
student:
  model: ${TINY_STUDENT}
optim:
  optimizer: { kind: adam, lr: 0.001 }
train: { steps: ${steps}, logEvery: 2, checkpointEvery: ${steps} }
`,
  );
  const peersFile = path.join(dir, 'micro-peers.yaml');
  fs.writeFileSync(peersFile, `student: { model: { peer: ${TINY_STUDENT} } }\n`);
  return { file, peersFile };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kdlab-${prefix}-`));
}
