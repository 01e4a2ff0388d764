// Checkpoints that every worker reaches: after each checkpoint the worker uploads it as an artifact of
// the run (`checkpoints/step-XXXXXXXX`, then `checkpoints/latest.json` naming it), and a worker that takes
// over a job whose worker died rebuilds the run dir from the MLflow run: its state file (so the runner
// reopens that same run) and the newest uploaded checkpoint (so training resumes where it was).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeRunState } from '@kdlab/runner/src/run-dir';
import type { RunRecord, Tracker, RunHandle } from '@kdlab/tracking';

export const CHECKPOINT_ARTIFACTS = 'checkpoints';
const LATEST = 'latest.json';

/** The job's MLflow run: the one tagged with its config hash (set when the run is created). */
export async function runOfJob(tracker: Tracker, experiment: string, configHash: string): Promise<RunRecord | undefined> {
  const runs = await tracker
    .searchRuns({ experiment, filter: `tags."kdlab.config_hash" = '${configHash}'`, maxResults: 10 })
    .catch((err: Error) => (/not found/i.test(err.message) ? [] : Promise.reject(err)));
  // Exactly one is expected; if an older one exists (e.g. a FINISHED run from before), prefer FINISHED.
  return runs.find((r) => r.status === 'FINISHED') ?? runs[0];
}

/** Uploads one checkpoint directory and then the pointer to it (the pointer last, so it never names a partial upload). */
export async function uploadCheckpoint(handle: Pick<RunHandle, 'logArtifact'>, dir: string, step: number): Promise<void> {
  await handle.logArtifact(dir, `${CHECKPOINT_ARTIFACTS}/${path.basename(dir)}`);
  const pointer = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-ckpt-')), LATEST);
  fs.writeFileSync(pointer, JSON.stringify({ step, dir: path.basename(dir) }) + '\n');
  await handle.logArtifact(pointer, CHECKPOINT_ARTIFACTS);
  fs.rmSync(path.dirname(pointer), { recursive: true, force: true });
}

/**
 * Rebuilds `runDir` from the MLflow run: run.json and the newest uploaded checkpoint. Returns the
 * checkpoint's step (0 when the run has none yet: training restarts from scratch in the same run).
 */
export async function materialiseRunDir(tracker: Tracker, run: RunRecord, runDir: string, configHash: string): Promise<number> {
  fs.mkdirSync(path.join(runDir, 'checkpoints'), { recursive: true });
  writeRunState(runDir, { runId: run.runId, configHash, trackingUri: tracker.uri, startedAt: new Date(run.startTime).toISOString() });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-takeover-'));
  try {
    let latest: { step: number; dir: string };
    try {
      const file = await tracker.downloadArtifact(run.runId, `${CHECKPOINT_ARTIFACTS}/${LATEST}`, tmp);
      latest = JSON.parse(fs.readFileSync(file, 'utf8')) as { step: number; dir: string };
    } catch {
      return 0;
    }
    const got = await tracker.downloadArtifact(run.runId, `${CHECKPOINT_ARTIFACTS}/${latest.dir}`, tmp);
    fs.renameSync(got, path.join(runDir, 'checkpoints', latest.dir));
    return latest.step;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
