// Runs MLflow's own Python client (from the project's .venv) to read runs back.
import { execFileSync } from 'child_process';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '../../..');
export const PYTHON = path.join(ROOT, '.venv/bin/python');

export interface PyRun {
  run_id: string;
  run_name: string;
  experiment_id: string;
  status: string;
  start_time: number;
  end_time: number | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** key -> [step, timestamp, value] sorted by step, timestamp; value may be "NaN" / "Infinity" / "-Infinity". */
  metrics: Record<string, [number, number, number | string][]>;
  /** artifact path -> sha256 */
  artifacts: Record<string, string>;
}

export type PyRequest = { uri: string; run_id: string } | { uri: string; experiment: string };

/** One Python process for several reads (importing mlflow takes seconds). */
export function pyRead(requests: PyRequest[]): (PyRun | PyRun[])[] {
  const out = execFileSync(PYTHON, [path.join(__dirname, 'read_run.py'), JSON.stringify(requests)], {
    encoding: 'utf8',
    env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', MLFLOW_TRACKING_URI: '' },
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out);
}

/** A value as read_run.py spells it. */
export function pyValue(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}
