// Runs the cells of a plan that tracking does not hold FINISHED yet: through the sweep queue when a
// Redis URL is given (one BullMQ job per cell, keyed by its config hash; any `kdlab worker` runs them,
// then this waits for the queue to drain), otherwise one after the other in this process with the
// runner (resume on, so an interrupted cell continues from its checkpoint).
import * as path from 'path';
import { repoRoot } from '@kdlab/data';
import { executeRun, readRunState, resolveRun, RunInterrupted } from '@kdlab/runner';
import type { Tracker } from '@kdlab/tracking';
import { finishedRuns } from './finished';
import type { StudyCell, StudyPlan } from './plan';

export interface ExecuteOptions {
  tracker: Tracker;
  trackingUri?: string;
  /** Set: go through the sweep queue on this Redis; unset: run locally. */
  redisUrl?: string;
  runsDir?: string;
  cacheDir?: string;
  log: (line: string) => void;
  /** Seconds between queue polls (sweep path). */
  pollSeconds?: number;
}

export interface ExecuteResult {
  mode: 'local' | 'queue';
  reused: number;
  ran: number;
  failed: Array<{ cell: StudyCell; error: string }>;
  sweepId?: string;
}

const abs = (f: string) => path.resolve(repoRoot(), f);

async function runLocally(pending: StudyCell[], opts: ExecuteOptions): Promise<Pick<ExecuteResult, 'ran' | 'failed'>> {
  const failed: ExecuteResult['failed'] = [];
  let ran = 0;
  for (const [i, cell] of pending.entries()) {
    opts.log(`[${i + 1}/${pending.length}] ${cell.overrides.name}`);
    try {
      const run = resolveRun(cell.files.map(abs), { sets: cell.sets, overrides: cell.overrides });
      if (run.hash !== cell.hash) throw new Error(`the configs changed while the study ran (hash ${cell.hash.slice(0, 12)} -> ${run.hash.slice(0, 12)})`);
      // Cells are keyed by config hash: a run dir left by an earlier definition of this cell (another
      // hash) can never count, so the cell starts over instead of refusing to resume it.
      const runDir = path.join(opts.runsDir ?? path.join(repoRoot(), 'runs'), cell.overrides.experiment, cell.overrides.name);
      const stale = readRunState(runDir);
      const fresh = stale !== undefined && stale.configHash !== cell.hash;
      if (fresh) opts.log(`  ${runDir} holds run ${stale.runId} of an earlier definition (hash ${stale.configHash.slice(0, 12)}): starting this cell over`);
      await executeRun(run, { resume: true, fresh, runsDir: opts.runsDir, cacheDir: opts.cacheDir, trackingUri: opts.trackingUri, tracker: opts.tracker, log: opts.log });
      ran++;
    } catch (err) {
      if (err instanceof RunInterrupted) throw err;
      // One cell failing (a loss that diverges on one domain) must not lose the others: recorded, reported.
      const message = (err as Error).message;
      opts.log(`  failed: ${message}`);
      failed.push({ cell, error: message });
    }
  }
  return { ran, failed };
}

const ACTIVE = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

async function runOnQueue(plan: StudyPlan, pending: StudyCell[], opts: ExecuteOptions): Promise<Pick<ExecuteResult, 'ran' | 'failed' | 'sweepId'>> {
  const sweep = await import('@kdlab/sweep');
  const file = sweep.sweepSchema.parse({ name: `${plan.study.name}-${plan.profile}`, queue: plan.study.queue });
  const jobs = pending.map((c) => ({ id: c.hash, sweep: file.name, name: c.overrides.name, experiment: c.overrides.experiment, files: c.files, sets: c.sets, overrides: c.overrides }));
  const submitted = await sweep.submitSweep(file, jobs, { tracker: opts.tracker, redisUrl: opts.redisUrl });
  opts.log(`sweep ${submitted.sweepId}: ${submitted.enqueued} queued, ${submitted.alreadyQueued} already queued, ${submitted.alreadyFinished} finished before (queue ${submitted.queue}); start workers with \`npx kdlab worker\``);
  let last = '';
  for (;;) {
    const status = await sweep.sweepStatus(submitted.sweepId, { redisUrl: opts.redisUrl });
    const line = Object.entries(status.counts).map(([k, v]) => `${k} ${v}`).join(', ');
    if (line !== last) opts.log(`sweep ${submitted.sweepId}: ${line}`);
    last = line;
    if (!status.jobs.some((j) => ACTIVE.has(j.state))) {
      const byHash = new Map(pending.map((c) => [c.hash, c]));
      const failed = status.jobs.filter((j) => j.state === 'failed' && byHash.has(j.id)).map((j) => ({ cell: byHash.get(j.id)!, error: j.error ?? 'failed' }));
      return { ran: status.jobs.filter((j) => j.state === 'completed').length, failed, sweepId: submitted.sweepId };
    }
    await new Promise((r) => setTimeout(r, (opts.pollSeconds ?? 15) * 1000));
  }
}

export async function executeStudy(plan: StudyPlan, opts: ExecuteOptions): Promise<ExecuteResult> {
  const done = await finishedRuns(opts.tracker, plan.experiment);
  const pending = plan.cells.filter((c) => !done.has(c.hash));
  const reused = plan.cells.length - pending.length;
  opts.log(`study ${plan.study.name} (${plan.profile}): ${plan.cells.length} runs, ${reused} already finished in tracking, ${pending.length} to run, ${plan.skips.length} cells skipped`);
  if (pending.length === 0) return { mode: opts.redisUrl ? 'queue' : 'local', reused, ran: 0, failed: [] };
  if (opts.redisUrl) return { mode: 'queue', reused, ...(await runOnQueue(plan, pending, opts)) };
  return { mode: 'local', reused, ...(await runLocally(pending, opts)) };
}
