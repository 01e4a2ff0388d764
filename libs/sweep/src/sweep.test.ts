// Sweeps against real servers started here on 127.0.0.1: Redis (the BullMQ queue), PostgreSQL and an
// MLflow server on it. Six short runs, two worker processes with separate run dirs (so a takeover can
// only continue from the checkpoint uploaded to MLflow), one worker SIGKILLed mid-job.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createTracker } from '@kdlab/tracking';
import { kdlabChild as spawnKdlab, kdlabDone, microSweepConfig, startTestCluster, type Child, type TestCluster } from './testing/cluster';
import { sweepStatus, type SweepStatus } from './queue';

const STEPS = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe().catch(() => undefined);
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

describe('kdlab sweep + kdlab worker on Redis, PostgreSQL and MLflow', () => {
  let cluster: TestCluster;
  let dir: string;
  // Workers still running when a test fails are killed at the end, so the suite always exits.
  const children: Child[] = [];
  const kdlabChild = (args: string[], env: Record<string, string>) => {
    const c = spawnKdlab(args, env);
    children.push(c);
    return c;
  };
  beforeAll(async () => {
    cluster = await startTestCluster();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-sweep-test-'));
  }, 300_000);
  afterAll(async () => {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await cluster?.stop();
  }, 60_000);

  it('runs every job exactly once although a worker is SIGKILLed mid-job; the takeover resumes from the uploaded checkpoint', async () => {
    const config = microSweepConfig(dir, STEPS);
    const sweepFile = path.join(dir, 'sweep.yaml');
    fs.writeFileSync(sweepFile, `name: micro\nconfigs: [${config}]\ngrid:\n  seed: [0, 1, 2, 3, 4, 5]\n`);
    const env = { ...cluster.env, KDLAB_STEP_DELAY_MS: '120' };

    const first = await kdlabDone(['sweep', 'submit', sweepFile], env);
    expect(first.code).toBe(0);
    const [, id, count] = /sweep (\S+) (\d+)/.exec(first.out)!;
    expect(Number(count)).toBe(6);
    expect(first.out).toContain('6 queued');
    // The same sweep again: nothing new.
    const again = await kdlabDone(['sweep', 'submit', sweepFile], env);
    expect(again.out).toContain(`sweep ${id} 6`);
    expect(again.out).toContain('0 queued, 6 already queued');

    const a = kdlabChild(['worker', '--runs-dir', path.join(dir, 'runs-a'), '--cache-dir', path.join(dir, 'cache-a'), '--lock-seconds', '4'], env);
    // The victim: a job of worker A past its second checkpoint.
    const victim = await waitFor(
      'a job of worker A past step 12',
      async () => {
        const st = await sweepStatus(id, { redisUrl: cluster.env.REDIS_URL });
        return st.jobs.find((j) => j.state === 'active' && j.worker?.endsWith(`:${a.proc.pid}`) && (j.progress?.step ?? 0) >= 10);
      },
      240_000,
    );
    const b = kdlabChild(['worker', '--runs-dir', path.join(dir, 'runs-b'), '--cache-dir', path.join(dir, 'cache-b'), '--lock-seconds', '4'], { ...env, KDLAB_STEP_DELAY_MS: '0' });
    a.proc.kill('SIGKILL');
    await a.exited;

    const done: SweepStatus = await waitFor(
      'every job to end',
      async () => {
        const st = await sweepStatus(id, { redisUrl: cluster.env.REDIS_URL });
        return st.jobs.every((j) => j.state === 'completed' || j.state === 'failed') ? st : undefined;
      },
      420_000,
    );
    expect({ counts: done.counts, out: done.jobs.some((j) => j.state === 'failed') ? b.out().slice(-3000) : '' }).toEqual({ counts: { completed: 6 }, out: '' });

    // Exactly one MLflow run per job, each FINISHED, with one point per step.
    const tracker = createTracker(cluster.mlflow.uri);
    const runs = await tracker.searchRuns({ experiment: 'sweep-micro', maxResults: 100 });
    const hashes = runs.map((r) => r.tags['kdlab.config_hash']);
    expect(new Set(hashes).size).toBe(6);
    expect(runs).toHaveLength(6);
    expect(runs.every((r) => r.status === 'FINISHED')).toBe(true);
    expect(new Set(done.jobs.map((j) => j.id))).toEqual(new Set(hashes));
    const taken = runs.find((r) => r.tags['kdlab.config_hash'] === victim.id)!;
    expect(Number(taken.tags['kdlab.resumed_from_step'])).toBeGreaterThanOrEqual(10);
    const loss = await tracker.getMetricHistory(taken.runId, 'train/loss');
    expect(loss.map((p) => p.step).sort((x, y) => x - y)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));

    // Final weights bit-identical to an uninterrupted run of the same config.
    const seed = Number(/seed(\d+)$/.exec(victim.name)![1]);
    const plain = await kdlabDone(['run', config, '--seed', String(seed), '--name', victim.name, '--runs-dir', path.join(dir, 'runs-plain'), '--cache-dir', path.join(dir, 'cache-plain'), '--tracking-uri', path.join(dir, 'mlruns-plain')], { KDLAB_STEP_DELAY_MS: '0' });
    expect(plain.code).toBe(0);
    const final = (root: string) => fs.readFileSync(path.join(dir, root, 'sweep-micro', victim.name, 'final', 'tensors.bin'));
    expect(final('runs-b').equals(final('runs-plain'))).toBe(true);

    // SIGTERM: the worker stops cleanly.
    b.proc.kill('SIGTERM');
    expect((await b.exited).code).toBe(0);
  }, 900_000);

  it('fails a job with a deterministic error at once, with the error in sweep status', async () => {
    const config = microSweepConfig(dir, 5);
    const sweepFile = path.join(dir, 'broken.yaml');
    fs.writeFileSync(sweepFile, `name: broken\nqueue: broken\nconfigs: [${config}]\ngrid:\n  seed: [7]\n`);
    const sub = await kdlabDone(['sweep', 'submit', sweepFile], cluster.env);
    const [, id] = /sweep (\S+) 1/.exec(sub.out)!;
    // The worker's data root has no datasets: the same error on every try.
    const w = kdlabChild(['worker', '--queue', 'broken', '--runs-dir', path.join(dir, 'runs-broken')], { ...cluster.env, KDLAB_DATA_ROOT: path.join(dir, 'no-data') });
    const st = await waitFor('the job to fail', async () => {
      const s = await sweepStatus(id, { redisUrl: cluster.env.REDIS_URL });
      return s.jobs[0].state === 'failed' ? s : undefined;
    }, 180_000);
    expect(st.jobs[0].attempts).toBe(1);
    expect(st.jobs[0].error).toContain('no-data');
    const shown = await kdlabDone(['sweep', 'status', id], cluster.env);
    expect(shown.out).toMatch(/failed\s+broken-seed7[\s\S]*no-data/);
    w.proc.kill('SIGTERM');
    await w.exited;
  }, 300_000);

  it('completes a sweep while Redis and then the MLflow server are restarted under it', async () => {
    const config = microSweepConfig(dir, 20, 'sweep-restart');
    const sweepFile = path.join(dir, 'restart.yaml');
    fs.writeFileSync(sweepFile, `name: restart\nqueue: restart\nconfigs: [${config}]\ngrid:\n  seed: [10, 11, 12, 13]\n`);
    const env = { ...cluster.env, KDLAB_STEP_DELAY_MS: '150' };
    const sub = await kdlabDone(['sweep', 'submit', sweepFile], env);
    const [, id] = /sweep (\S+) 4/.exec(sub.out)!;
    const w = kdlabChild(['worker', '--queue', 'restart', '--runs-dir', path.join(dir, 'runs-restart')], env);
    const status = () => sweepStatus(id, { redisUrl: cluster.env.REDIS_URL });
    await waitFor('a job to be active', async () => ((await status()).jobs.some((j) => j.state === 'active') ? true : undefined), 240_000);
    await cluster.restartRedis();
    await waitFor('a job to complete after the Redis restart', async () => ((await status()).counts.completed ? true : undefined), 300_000);
    await cluster.restartMlflow();
    const done = await waitFor('every job to end', async () => {
      const st = await status();
      return st.jobs.every((j) => j.state === 'completed' || j.state === 'failed') ? st : undefined;
    }, 600_000);
    expect({ counts: done.counts, out: done.counts.failed ? w.out().slice(-3000) : '' }).toEqual({ counts: { completed: 4 }, out: '' });
    const tracker = createTracker(cluster.mlflow.uri);
    const runs = await tracker.searchRuns({ experiment: 'sweep-restart', maxResults: 100 });
    expect(runs.map((r) => r.status)).toEqual(['FINISHED', 'FINISHED', 'FINISHED', 'FINISHED']);
    for (const r of runs) {
      const steps = (await tracker.getMetricHistory(r.runId, 'train/loss')).map((p) => p.step).sort((x, y) => x - y);
      expect({ run: r.runName, steps }).toEqual({ run: r.runName, steps: Array.from({ length: 20 }, (_, i) => i + 1) });
    }
    w.proc.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
  }, 1_200_000);
});
