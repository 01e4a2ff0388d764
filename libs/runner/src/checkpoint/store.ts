// The checkpoints of one run: `<run dir>/checkpoints/step-00000120/`, newest
// kept, older ones pruned after each save.
import * as fs from 'fs';
import * as path from 'path';
import { readWeightsDir, writeWeightsDir, type WeightsDir } from './weights-dir';

const PATTERN = /^step-(\d+)$/;

export class CheckpointStore {
  readonly dir: string;

  constructor(runDir: string, readonly keep: number) {
    this.dir = path.join(runDir, 'checkpoints');
  }

  /** Steps of the complete checkpoints present, ascending. */
  steps(): number[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir)
      .map((f) => PATTERN.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  pathOf(step: number): string {
    return path.join(this.dir, `step-${String(step).padStart(8, '0')}`);
  }

  save(step: number, content: WeightsDir): string {
    fs.mkdirSync(this.dir, { recursive: true });
    // Temp dirs left by a process killed mid-write (another pid) are garbage.
    for (const f of fs.readdirSync(this.dir)) if (f.startsWith('.tmp-')) fs.rmSync(path.join(this.dir, f), { recursive: true, force: true });
    const target = this.pathOf(step);
    writeWeightsDir(target, content);
    for (const old of this.steps().slice(0, -this.keep)) fs.rmSync(this.pathOf(old), { recursive: true, force: true });
    return target;
  }

  latest(): { step: number; content: WeightsDir } | undefined {
    const steps = this.steps();
    if (steps.length === 0) return undefined;
    const step = steps[steps.length - 1];
    return { step, content: readWeightsDir(this.pathOf(step)) };
  }
}
