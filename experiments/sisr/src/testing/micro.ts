// A micro SR config for tests: x2, Set5 only (first images), a 1-block EDSR
// teacher (8 ch, trained for a few steps and cached) and student (4 ch, so FD
// needs an adapter), 8 px patches, 20 steps. Seconds, not minutes.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, type ChildProcess } from 'child_process';

export const REPO = path.resolve(__dirname, '../../../..');
export const KDLAB = path.join(REPO, 'tools/cli/bin/kdlab.js');

export function microConfig(dir: string, extra = ''): string {
  const file = path.join(dir, 'micro.yaml');
  fs.writeFileSync(
    file,
    `extends: ${path.join(REPO, 'experiments/sisr/configs/base.yaml')}
experiment: micro
name: fd
method: student + FD
seed: 3
data: { scale: 2, train: [Set5], trainLimit: 2, lrPatch: 8, batch: 2, test: [Set5] }
eval: { limit: 1 }
teacher:
  model: { arch: edsr, blocks: 1, channels: 8 }
  train:
    optim: { optimizer: { kind: adam, lr: 0.001 } }
    train: { steps: 4, checkpointEvery: 2 }
student:
  model: { arch: edsr, blocks: 1, channels: 4 }
kd:
  terms:
    - { name: task, loss: { kind: l1 }, weight: 1, student: output, teacher: target }
    - { name: fd, loss: { kind: fitnet, distance: l1 }, weight: 0.004, student: body, teacher: body, adapter: { kind: conv1x1 } }
optim:
  optimizer: { kind: adam, lr: 0.001 }
  schedule: { kind: cosine, minLr: 0.0001 }
train: { steps: 20, logEvery: 5, checkpointEvery: 5 }
${extra}`,
  );
  return file;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kdlab-${prefix}-`));
}

export interface Spawned {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** `kdlab <args>` as a child process (CI=true: plain progress lines). */
export function kdlab(args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, [KDLAB, ...args], { cwd: REPO, env: { ...process.env, CI: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b) => (stdout += b));
  child.stderr!.on('data', (b) => (stderr += b));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Resolves once `predicate` holds, polling every 50 ms (rejects after `ms`). */
export async function waitFor(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
