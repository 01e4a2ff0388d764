// Submitting a sweep and reading its state. Jobs are BullMQ jobs whose id is the resolved config's hash:
// adding a job that exists is a no-op, and runs already FINISHED in MLflow are not queued at all. A
// sweep's member ids are kept in a Redis set (`kdlab:sweep:<id>`) for `sweep status` and `sweep report`.
import { createHash } from 'crypto';
import { Queue, type JobsOptions } from 'bullmq';
import type { Tracker } from '@kdlab/tracking';
import { connect } from './connection';
import type { SweepFile, SweepJob } from './sweep-file';

export const JOB_OPTIONS: JobsOptions = {
  // Transient failures (a server unreachable for longer than the client's own retries, a lost worker)
  // are retried with backoff; deterministic ones are thrown as UnrecoverableError and fail at once.
  attempts: 5,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: false,
  removeOnFail: false,
};

export const sweepKey = (id: string) => `kdlab:sweep:${id}`;
const metaKey = (id: string) => `kdlab:sweep-meta:${id}`;

/** A sweep's id: its name and a hash of its job ids (the same grid gives the same id). */
export function sweepId(name: string, jobs: SweepJob[]): string {
  const h = createHash('sha256').update(jobs.map((j) => j.id).sort().join('\n')).digest('hex');
  return `${name}-${h.slice(0, 10)}`;
}

export interface SubmitResult {
  sweepId: string;
  queue: string;
  jobs: number;
  enqueued: number;
  alreadyQueued: number;
  alreadyFinished: number;
}

/** Config hashes of the FINISHED runs of these experiments in MLflow. */
async function finishedHashes(tracker: Tracker, experiments: string[]): Promise<Set<string>> {
  const done = new Set<string>();
  for (const experiment of experiments) {
    const runs = await tracker.searchRuns({ experiment, maxResults: 10000 }).catch((err: Error) => {
      if (/not found/i.test(err.message)) return [];
      throw err;
    });
    for (const r of runs) if (r.status === 'FINISHED' && r.tags['kdlab.config_hash']) done.add(r.tags['kdlab.config_hash']);
  }
  return done;
}

export async function submitSweep(sweep: SweepFile, jobs: SweepJob[], opts: { tracker: Tracker; redisUrl?: string }): Promise<SubmitResult> {
  const connection = connect(opts.redisUrl);
  const queue = new Queue(sweep.queue, { connection });
  try {
    const id = sweepId(sweep.name, jobs);
    const finished = await finishedHashes(opts.tracker, [...new Set(jobs.map((j) => j.experiment))]);
    let enqueued = 0;
    let alreadyQueued = 0;
    let alreadyFinished = 0;
    for (const job of jobs) {
      await connection.sadd(sweepKey(id), job.id);
      if (finished.has(job.id)) {
        alreadyFinished++;
        continue;
      }
      if (await queue.getJob(job.id)) {
        alreadyQueued++;
        continue;
      }
      await queue.add(job.name, job, { ...JOB_OPTIONS, jobId: job.id });
      enqueued++;
    }
    await connection.hset(metaKey(id), { name: sweep.name, queue: sweep.queue, experiments: JSON.stringify([...new Set(jobs.map((j) => j.experiment))]), submittedAt: new Date().toISOString() });
    return { sweepId: id, queue: sweep.queue, jobs: jobs.length, enqueued, alreadyQueued, alreadyFinished };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

export interface JobStatus {
  id: string;
  name: string;
  state: 'waiting' | 'active' | 'delayed' | 'completed' | 'failed' | 'finished-before' | 'unknown' | string;
  attempts: number;
  progress?: { step: number; total: number };
  worker?: string;
  runId?: string;
  error?: string;
}

export interface SweepStatus {
  sweepId: string;
  queue: string;
  experiments: string[];
  jobs: JobStatus[];
  counts: Record<string, number>;
}

export async function sweepStatus(id: string, opts: { redisUrl?: string } = {}): Promise<SweepStatus> {
  const connection = connect(opts.redisUrl);
  try {
    const meta = await connection.hgetall(metaKey(id));
    if (!meta.queue) throw new Error(`no sweep ${JSON.stringify(id)} on this Redis (kdlab sweep submit prints the id)`);
    const queue = new Queue(meta.queue, { connection });
    try {
      const ids = (await connection.smembers(sweepKey(id))).sort();
      const jobs: JobStatus[] = [];
      for (const jobId of ids) {
        const job = await queue.getJob(jobId);
        if (!job) {
          // Not queued because MLflow already held it FINISHED when the sweep was submitted.
          jobs.push({ id: jobId, name: '', state: 'finished-before', attempts: 0 });
          continue;
        }
        const ret = job.returnvalue as { runId?: string } | undefined;
        jobs.push({
          id: jobId,
          name: job.name,
          state: await job.getState(),
          attempts: job.attemptsMade,
          progress: typeof job.progress === 'object' ? (job.progress as { step: number; total: number }) : undefined,
          worker: job.processedBy,
          runId: ret?.runId,
          error: job.failedReason || undefined,
        });
      }
      const counts: Record<string, number> = {};
      for (const j of jobs) counts[j.state] = (counts[j.state] ?? 0) + 1;
      return { sweepId: id, queue: meta.queue, experiments: JSON.parse(meta.experiments ?? '[]') as string[], jobs, counts };
    } finally {
      await queue.close();
    }
  } finally {
    connection.disconnect();
  }
}
