// The files a run keeps beside its checkpoints: `run.json` (tracking run id and
// config hash, written when the run starts, so --resume can reopen it) and
// `result.json` (written when it finished).
import * as fs from 'fs';
import * as path from 'path';

export interface RunState {
  runId: string;
  configHash: string;
  trackingUri: string;
  startedAt: string;
}

export interface RunResult {
  runId: string;
  runDir: string;
  experiment: string;
  name: string;
  method: string;
  seed: number;
  configHash: string;
  status: 'FINISHED';
  /** Final evaluation metrics (and the last logged training values). */
  metrics: Record<string, number>;
  tags: Record<string, string>;
  steps: number;
  trainSeconds: number;
  evalSeconds: number;
}

function readJson<T>(file: string): T | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : undefined;
}

function writeJsonAtomic(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

export const runStateFile = (runDir: string) => path.join(runDir, 'run.json');
export const runResultFile = (runDir: string) => path.join(runDir, 'result.json');

export const readRunState = (runDir: string) => readJson<RunState>(runStateFile(runDir));
export const writeRunState = (runDir: string, s: RunState) => writeJsonAtomic(runStateFile(runDir), s);
export const readRunResult = (runDir: string) => readJson<RunResult>(runResultFile(runDir));
export const writeRunResult = (runDir: string, r: RunResult) => writeJsonAtomic(runResultFile(runDir), r);
