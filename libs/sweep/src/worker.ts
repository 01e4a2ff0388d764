// `kdlab worker`: takes sweep jobs from the queue and runs each with the runner. One MLflow run per job
// (found again by its config-hash tag after a takeover), checkpoints uploaded as artifacts so any worker
// can continue a job, deterministic failures (a bad config, missing data) failed at once, everything else
// retried by BullMQ with backoff. SIGTERM/Ctrl-C: the running jobs checkpoint at the next step, are handed
// back to the queue, and the worker exits.
import * as os from 'os';
import * as path from 'path';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { repoRoot } from '@kdlab/data';
import { ConfigError, executeRun, readRunState, resolveRun, RunInterrupted, StopSignals, type RunResult } from '@kdlab/runner';
import { createTracker } from '@kdlab/tracking';
import { connect } from './connection';
import type { SweepJob } from './sweep-file';
import { materialiseRunDir, runOfJob, uploadCheckpoint } from './takeover';

export interface WorkerOptions {
  queue?: string;
  concurrency?: number;
  redisUrl?: string;
  trackingUri?: string;
  /** Local root of run dirs (default <repo>/runs). Another worker need not share it. */
  runsDir?: string;
  cacheDir?: string;
  /** How long a job's lock lasts without renewal: a dead worker's job is taken over after about this long. */
  lockMs?: number;
  log?: (line: string) => void;
}

export interface JobOutcome {
  runId: string;
  /** True when MLflow already held the run FINISHED (nothing was trained). */
  skipped: boolean;
  metrics: Record<string, number>;
}

/** Errors that will fail the same way on every try. */
function deterministic(err: unknown): boolean {
  if (err instanceof ConfigError) return true;
  const e = err as NodeJS.ErrnoException;
  return e?.code === 'ENOENT' || /unknown (task|loss|backbone|arch)|does not exist|no such (file|directory)|not found in the manifest|checksum/i.test(e?.message ?? '');
}

export async function runJob(job: Job<SweepJob>, token: string | undefined, opts: WorkerOptions, signals: StopSignals): Promise<JobOutcome> {
  const log = opts.log ?? (() => undefined);
  const spec = job.data;
  let run;
  try {
    run = resolveRun(spec.files.map((f) => path.resolve(repoRoot(), f)), { sets: spec.sets, overrides: spec.overrides });
  } catch (err) {
    throw new UnrecoverableError(`invalid config: ${(err as Error).message}`);
  }
  if (run.hash !== spec.id) throw new UnrecoverableError(`the config files changed since the sweep was submitted (hash ${spec.id.slice(0, 12)} -> ${run.hash.slice(0, 12)}); submit the sweep again`);
  const tracker = createTracker(opts.trackingUri);
  const existing = await runOfJob(tracker, run.config.experiment, run.hash);
  if (existing?.status === 'FINISHED') {
    log(`${spec.name}: already FINISHED in MLflow (run ${existing.runId})`);
    return { runId: existing.runId, skipped: true, metrics: existing.metrics };
  }
  const runsDir = opts.runsDir ?? path.join(repoRoot(), 'runs');
  const runDir = path.join(runsDir, run.config.experiment, run.config.name);
  if (existing && !readRunState(runDir)) {
    const step = await materialiseRunDir(tracker, existing, runDir, run.hash);
    log(`${spec.name}: taking over run ${existing.runId} from step ${step}`);
  }
  const total = run.config.train?.steps ?? 0;
  let result: RunResult;
  try {
    result = await executeRun(run, {
      resume: true,
      runsDir,
      cacheDir: opts.cacheDir,
      tracker,
      signals,
      log,
      afterCheckpoint: async (handle, dir, step) => {
        await uploadCheckpoint(handle, dir, step);
        await job.updateProgress({ step, total });
      },
    });
  } catch (err) {
    if (err instanceof RunInterrupted) {
      // Handed back: the job waits again and its next worker continues from the uploaded checkpoint.
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError(`${spec.name}: ${err.message}`);
    }
    if (deterministic(err)) throw new UnrecoverableError((err as Error).message);
    throw err;
  }
  return { runId: result.runId, skipped: false, metrics: result.metrics };
}

/** Starts a worker; resolves when it has stopped (after SIGTERM/SIGINT, or `stop()`). */
export function startWorker(opts: WorkerOptions = {}): { worker: Worker<SweepJob, JobOutcome>; stopped: Promise<void>; stop: () => Promise<void> } {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const name = `${os.hostname()}:${process.pid}`;
  const signals = new StopSignals().install();
  const worker = new Worker<SweepJob, JobOutcome>(opts.queue ?? 'kdlab', (job, token) => runJob(job, token, { ...opts, log }, signals), {
    connection: connect(opts.redisUrl),
    concurrency: opts.concurrency ?? 1,
    name,
    lockDuration: opts.lockMs ?? 30_000,
    stalledInterval: Math.max(1000, Math.round((opts.lockMs ?? 30_000) / 2)),
    // A job whose worker keeps dying is a transient failure many times over before it is a failure.
    maxStalledCount: 5,
  });
  worker.on('active', (job) => log(`[worker ${name}] ${job.name}: started (attempt ${job.attemptsMade + 1})`));
  worker.on('completed', (job, out) => log(`[worker ${name}] ${job.name}: ${out.skipped ? 'already finished' : 'finished'} (run ${out.runId})`));
  worker.on('failed', (job, err) => {
    if (err instanceof DelayedError || err.name === 'DelayedError') return;
    log(`[worker ${name}] ${job?.name ?? '?'}: failed: ${err.message.split('\n')[0]}`);
  });
  worker.on('error', (err) => log(`[worker ${name}] ${err.message}`));
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    await worker.close();
    signals.uninstall();
  })());
  const stopped = new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (signals.requested()) {
        clearInterval(check);
        log(`[worker ${name}] ${signals.requested()}: handing running jobs back and stopping`);
        void stop().then(resolve);
      }
    }, 200);
    worker.on('closed', () => {
      clearInterval(check);
      resolve();
    });
  });
  log(`[worker ${name}] waiting for jobs on queue ${opts.queue ?? 'kdlab'}`);
  return { worker, stopped, stop };
}
