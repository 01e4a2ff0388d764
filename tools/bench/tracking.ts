// `kdlab bench tracking`: metric points per second logged through the batching
// Tracker to a real MLflow server, and what logging costs a training step.
// Reference (issue 3's goal): at least 20,000 points/s, under 1% of a step.
//
// By default it starts its own MLflow server (the project's .venv, SQLite,
// served artifacts, 127.0.0.1) like the tests do; `--uri` uses another.
//   throughput   P points (K keys per step, the loop yielding each step) from
//                the first logMetric to the end of end() (every point stored),
//                checked against the server's metric histories afterwards.
//   ceiling      the same server fed back-to-back pre-built 1000-metric
//                log-batch requests: what the server itself can ingest.
//   step cost    a real tfjs training step (conv net, L1 + Adam) with 5 metrics
//                logged per step: the time the loop spends in logMetric calls (median),
//                plus the client's background CPU per point (batching, JSON,
//                HTTP) measured in the throughput phase; and, for reference,
//                the wall-clock A/B of steps with and without logging.
import { parseArgs } from 'util';
import type { Scalar, Tensor4D } from '@kdlab/engine';
import { MlflowClient, chunkBatch, createTracker, type Metric } from '@kdlab/tracking';
import { startMlflowServer, type MlflowTestServer } from '../testing/mlflow-server';

export const description = 'metric points/s through the batching Tracker to a real MLflow server, and the logging overhead per training step (goal: >= 20,000 points/s, < 1% of a step)';

const GOAL_POINTS_PER_S = 20_000;
const GOAL_STEP_FRACTION = 0.01;

const sleepImmediate = () => new Promise<void>((r) => setImmediate(r));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function throughput(uri: string, points: number, keys: number) {
  const tracker = createTracker(uri, { env: {} });
  const run = await tracker.startRun({ experiment: 'bench-tracking', runName: `throughput-${points}` });
  const names = Array.from({ length: keys }, (_, i) => `train/metric_${i}`);
  const steps = Math.ceil(points / keys);
  const cpu0 = cpuMs();
  const t0 = performance.now();
  let logged = 0;
  for (let step = 0; step < steps; step++) {
    for (let k = 0; k < keys && logged < points; k++, logged++) run.logMetric(names[k], Math.sin(step + k), step);
    await sleepImmediate(); // a training loop yields between steps
  }
  const s = await run.end();
  const seconds = (performance.now() - t0) / 1000;
  const clientCpuMs = cpuMs() - cpu0;
  // Honesty check: every point is on the server.
  const client = new MlflowClient({ trackingUri: uri, env: {} });
  let stored = 0;
  for (const n of names) stored += (await client.getMetricHistory(s.runId, n)).length;
  if (stored !== points || s.store !== 'server') throw new Error(`only ${stored} of ${points} points reached the server (store ${s.store})`);
  return { pointsPerSec: points / seconds, seconds, clientCpuUsPerPoint: (clientCpuMs * 1000) / points };
}

async function serverCeiling(uri: string, requests: number) {
  const client = new MlflowClient({ trackingUri: uri, env: {} });
  const exp = await client.getOrCreateExperiment('bench-tracking');
  const run = await client.createRun({ experimentId: exp.experimentId, runName: 'ceiling' });
  const bodies: string[] = [];
  const now = Date.now();
  for (let r = 0; r < requests; r++) {
    const metrics: Metric[] = Array.from({ length: 1000 }, (_, i) => ({ key: `train/metric_${i % 10}`, value: Math.random(), timestamp: now, step: r * 100 + Math.floor(i / 10) }));
    bodies.push(chunkBatch(run.info.runId, metrics)[0].body);
  }
  const t0 = performance.now();
  for (const b of bodies) await client.logBatchBody(b);
  return (requests * 1000) / ((performance.now() - t0) / 1000);
}

async function stepCost(uri: string, rounds: number, stepsPerBlock: number) {
  const { tf } = await import('@kdlab/engine');
  const x = tf.randomUniform([8, 48, 48, 3], 0, 1, 'float32', 1) as Tensor4D;
  const y = tf.randomUniform([8, 48, 48, 3], 0, 1, 'float32', 2) as Tensor4D;
  const w = [
    tf.variable(tf.randomNormal([3, 3, 3, 32], 0, 0.05, 'float32', 3)),
    tf.variable(tf.randomNormal([3, 3, 32, 32], 0, 0.05, 'float32', 4)),
    tf.variable(tf.randomNormal([3, 3, 32, 32], 0, 0.05, 'float32', 5)),
    tf.variable(tf.randomNormal([3, 3, 32, 3], 0, 0.05, 'float32', 6)),
  ] as unknown as Tensor4D[];
  const opt = tf.train.adam(1e-3);
  const trainStep = () => {
    const cost = opt.minimize(() => {
      let h = tf.relu(tf.conv2d(x, w[0], 1, 'same'));
      h = tf.relu(tf.conv2d(h, w[1], 1, 'same'));
      h = tf.relu(tf.conv2d(h, w[2], 1, 'same'));
      return tf.conv2d(h, w[3], 1, 'same').add(x).sub(y).abs().mean() as Scalar;
    }, true)!;
    const loss = cost.dataSync()[0];
    cost.dispose();
    return loss;
  };
  for (let i = 0; i < 10; i++) trainStep(); // warm-up

  const tracker = createTracker(uri, { env: {} });
  const run = await tracker.startRun({ experiment: 'bench-tracking', runName: 'step-overhead' });
  const plain: number[] = [];
  const logged: number[] = [];
  const onPath: number[] = [];
  let step = 0;
  for (let r = 0; r < rounds; r++) {
    for (const withLogging of [false, true]) {
      let last = performance.now();
      for (let i = 0; i < stepsPerBlock; i++, step++) {
        const loss = trainStep();
        if (withLogging) {
          const t = performance.now();
          run.logMetrics({ 'train/loss': loss, 'train/lr': 1e-3, 'train/grad_norm': loss * 2, 'train/psnr': -10 * Math.log10(loss + 1e-12), 'train/step': step }, step);
          onPath.push(performance.now() - t);
        }
        await sleepImmediate();
        const now = performance.now();
        (withLogging ? logged : plain).push(now - last); // the loop's period: step, logging, and background work between steps
        last = now;
      }
    }
  }
  const s = await run.end();
  tf.dispose([x, y, ...w]);
  opt.dispose();
  if (s.store !== 'server') throw new Error('the step-overhead run did not stay on the server');
  return {
    stepMs: median(plain),
    onPathUsPerStep: median(onPath) * 1000,
    onPathUsMean: mean(onPath) * 1000,
    abMean: mean(logged) / mean(plain) - 1,
    abMedian: median(logged) / median(plain) - 1,
  };
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      uri: { type: 'string' },
      points: { type: 'string', default: '200000' },
      keys: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '12' },
      steps: { type: 'string', default: '50' },
    },
  });
  let server: MlflowTestServer | undefined;
  const uri = values.uri ?? (server = await startMlflowServer()).url;
  try {
    const where = server ? `its own MLflow server (SQLite, served artifacts) at ${uri}, up in ${fmt(server.startupMs / 1000, 1)} s` : uri;
    console.log(`tracking bench: ${where}; ${require('os').cpus().length} cores`);
    const points = Number(values.points);
    const keys = Number(values.keys);

    const ceiling = await serverCeiling(uri, 20);
    console.log(`server ceiling      ${fmt(ceiling).padStart(8)} points/s  (back-to-back 1000-metric log-batch requests, no client batching)`);

    const tp = await throughput(uri, points, keys);
    console.log(
      `throughput          ${fmt(tp.pointsPerSec).padStart(8)} points/s  (${fmt(points)} points, ${keys} keys/step, ${fmt(tp.seconds, 1)} s to the last stored point; ${fmt((100 * tp.pointsPerSec) / ceiling)}% of the server ceiling)`,
    );
    console.log(`client cost         ${fmt(tp.clientCpuUsPerPoint, 2).padStart(8)} µs CPU per point (logging, batching, JSON, HTTP; whole Node process)`);

    const sc = await stepCost(uri, Number(values.rounds), Number(values.steps));
    const perStepUs = sc.onPathUsPerStep + 5 * tp.clientCpuUsPerPoint;
    const fraction = perStepUs / 1000 / sc.stepMs;
    console.log(`training step       ${fmt(sc.stepMs, 2).padStart(8)} ms median (tfjs conv net, batch 8 of 48x48, L1 + Adam), 5 metrics logged per step`);
    console.log(`on the loop's path  ${fmt(sc.onPathUsPerStep, 2).padStart(8)} µs per step in logMetrics (median; mean ${fmt(sc.onPathUsMean, 2)} µs with the machine's preemptions)`);
    console.log(`overhead per step   ${fmt(perStepUs, 1).padStart(8)} µs = ${fmt(100 * fraction, 3)}% of a step (on-path + 5 x client CPU per point)`);
    console.log(
      `A/B wall clock      ${fmt(100 * sc.abMean, 2).padStart(8)}% mean, ${fmt(100 * sc.abMedian, 2)}% median (steps with vs without logging, ${values.rounds} interleaved rounds; includes the co-located server's CPU and machine noise)`,
    );
    console.log(`ratio throughput/goal=${(tp.pointsPerSec / GOAL_POINTS_PER_S).toFixed(3)} (goal ${fmt(GOAL_POINTS_PER_S)} points/s)`);
    console.log(`ratio ceiling/goal=${(ceiling / GOAL_POINTS_PER_S).toFixed(3)}`);
    console.log(`ratio overhead/goal=${(fraction / GOAL_STEP_FRACTION).toFixed(3)} (goal < 1% of a step; below 1 meets it)`);
  } finally {
    await server?.stop();
  }
}
