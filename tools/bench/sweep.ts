// `kdlab bench sweep`: what the sweep machinery costs and how far MLflow ingest goes, on servers this
// benchmark starts on 127.0.0.1 (Redis; PostgreSQL; MLflow on PostgreSQL and MLflow on SQLite).
//   queue overhead  empty jobs per second through BullMQ with 2 workers (no-op processor)
//   ingest          metric points per second through the batching Tracker with 1, 2 and 4 concurrent
//                   writers (separate processes, as workers are), on PostgreSQL and on SQLite side by
//                   side; every point is counted back from the server.
// Last line: `ratio postgres/sqlite=<x>` for 4-writer ingest (reference: the SQLite-backed server).
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const description = 'BullMQ jobs/s with 2 workers, and MLflow ingest with 1/2/4 writers on PostgreSQL vs SQLite (last line: ratio postgres/sqlite)';

interface Options { jobs: number; points: number; keys: number }

function parse(args: string[]): Options {
  const o: Options = { jobs: 2000, points: 40_000, keys: 10 };
  for (let i = 0; i < args.length; i += 2) {
    const [k, v] = [args[i], Number(args[i + 1])];
    if (k === '--jobs') o.jobs = v;
    else if (k === '--points') o.points = v;
    else if (k === '--keys') o.keys = v;
    else throw new Error(`bench sweep: unknown option ${args[i]} (known: --jobs, --points, --keys)`);
  }
  return o;
}

async function queueOverhead(redisUrl: string, jobs: number): Promise<number> {
  const { Queue, Worker } = await import('bullmq');
  const { connect } = await import('@kdlab/sweep');
  const name = `bench-${Date.now()}`;
  // BullMQ does not close connections it is given; the benchmark does, before Redis stops.
  const connections = [0, 1, 2].map(() => connect(redisUrl));
  const queue = new Queue(name, { connection: connections[0] });
  await queue.addBulk(Array.from({ length: jobs }, (_, i) => ({ name: 'empty', data: { i }, opts: { removeOnComplete: true } })));
  let done = 0;
  const t0 = performance.now();
  let allDone!: () => void;
  const finished = new Promise<void>((resolve) => (allDone = resolve));
  const workers = [1, 2].map((c) => {
    const w = new Worker(name, async () => undefined, { connection: connections[c], concurrency: 1 });
    w.on('completed', () => {
      if (++done === jobs) allDone();
    });
    return w;
  });
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(workers.map((w) => w.close()));
  await queue.obliterate({ force: true });
  await queue.close();
  for (const c of connections) c.disconnect();
  return jobs / seconds;
}

/** One writer process: logs `points` points in `keys` keys per step, ends the run, prints its run id. */
const WRITER = `
const { createTracker } = require('@kdlab/tracking');
(async () => {
  const [uri, points, keys, tag] = process.argv.slice(1);
  const tracker = createTracker(uri, { env: {} });
  const run = await tracker.startRun({ experiment: 'bench-sweep', runName: tag });
  const n = Number(points), k = Number(keys);
  for (let s = 0, logged = 0; logged < n; s++) {
    for (let j = 0; j < k && logged < n; j++, logged++) run.logMetric('m' + j, Math.sin(s + j), s);
    if (s % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  const summary = await run.end();
  console.log(JSON.stringify({ runId: run.runId, store: summary.store }));
})().catch((e) => { console.error(e); process.exit(1); });`;

async function ingest(uri: string, writers: number, points: number, keys: number): Promise<number> {
  const repo = path.resolve(__dirname, '../..');
  const t0 = performance.now();
  const outs = await Promise.all(
    Array.from({ length: writers }, (_, i) =>
      new Promise<{ runId: string; store: string }>((resolve, reject) => {
        const p = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', WRITER, uri, String(points), String(keys), `w${writers}-${i}`], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        p.stdout.on('data', (b) => (out += b));
        p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`writer exited ${code}`))));
      }),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  const { MlflowClient } = await import('@kdlab/tracking');
  const client = new MlflowClient({ trackingUri: uri, env: {} });
  for (const o of outs) {
    let stored = 0;
    for (let j = 0; j < keys; j++) stored += (await client.getMetricHistory(o.runId, `m${j}`)).length;
    if (stored !== points || o.store !== 'server') throw new Error(`run ${o.runId}: ${stored} of ${points} points on the server (store ${o.store})`);
  }
  return (writers * points) / seconds;
}

export async function run(args: string[]): Promise<void> {
  const o = parse(args);
  const { freePort, startMlflow, startPostgres, startRedis, stopGroup } = await import('@kdlab/sweep');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-bench-sweep-'));
  fs.chmodSync(dir, 0o755);
  const services: { pid: number }[] = [];
  try {
    console.log('starting Redis, PostgreSQL, MLflow on PostgreSQL and MLflow on SQLite (127.0.0.1)');
    const redis = await startRedis(path.join(dir, 'redis'), await freePort());
    services.push(redis);
    const pg = await startPostgres(path.join(dir, 'postgres'), await freePort());
    services.push(pg);
    const onPg = await startMlflow(path.join(dir, 'mlflow-pg'), await freePort(), pg.uri.replace(/^postgresql:/, 'postgresql+psycopg2:'));
    services.push(onPg);
    const onSqlite = await startMlflow(path.join(dir, 'mlflow-sqlite'), await freePort(), `sqlite:///${path.join(dir, 'mlflow-sqlite', 'mlflow.db')}`);
    services.push(onSqlite);

    const jps = await queueOverhead(redis.uri, o.jobs);
    console.log(`queue overhead      ${jps.toFixed(0).padStart(8)} empty jobs/s through BullMQ, 2 workers (${o.jobs} jobs; ${(1000 / jps).toFixed(2)} ms per job)`);
    const results: Record<string, Record<number, number>> = { postgres: {}, sqlite: {} };
    for (const writers of [1, 2, 4]) {
      // Interleaved, so both stores see the same machine state.
      for (const [label, server] of [['postgres', onPg], ['sqlite', onSqlite]] as const) {
        const pps = await ingest(server.uri, writers, o.points, o.keys);
        results[label][writers] = pps;
        console.log(`ingest ${label.padEnd(8)} ${writers} writer${writers > 1 ? 's' : ' '} ${pps.toFixed(0).padStart(8)} points/s  (${writers} x ${o.points} points, all counted back)`);
      }
    }
    console.log(`goal 20,000 points/s: postgres ${(results.postgres[4] / 20000).toFixed(2)} of it with 4 writers, sqlite ${(results.sqlite[4] / 20000).toFixed(2)}`);
    console.log(`ratio postgres/sqlite=${(results.postgres[4] / results.sqlite[4]).toFixed(3)}`);
  } finally {
    for (const s of services.reverse()) await stopGroup(s.pid, 10_000);
  }
}
