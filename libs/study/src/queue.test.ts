// The sweep-queue path of a study: with a Redis URL the cells become BullMQ jobs keyed by config hash
// (a real redis-server started here on 127.0.0.1), a worker of @kdlab/sweep runs them, the study waits
// for the queue to drain and reports from tracking; a second call finds every cell finished and
// queues nothing.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '@kdlab/data';
import { freePort, startRedis, startWorker, stopGroup, type ServiceHandle } from '@kdlab/sweep';
import { parseStudy } from './definition';
import { runStudy } from './study';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-study-queue-'));
const config = path.join(tmp, 'sr-micro.yaml');
fs.writeFileSync(
  config,
  `extends: ${path.join(repoRoot(), 'experiments/sisr/configs/base.yaml')}
data: { scale: 2, train: [Set5], trainLimit: 2, lrPatch: 8, batch: 3, test: [Set5] }
eval: { limit: 1 }
teacher:
  model: { arch: edsr, blocks: 1, channels: 8 }
  train: { optim: { optimizer: { kind: adam, lr: 0.001 } }, train: { steps: 2, checkpointEvery: 2 } }
student:
  model: { arch: edsr, blocks: 1, channels: 4 }
optim: { optimizer: { kind: adam, lr: 0.001 } }
train: { steps: 2, logEvery: 1, checkpointEvery: 2 }
`,
);

const queue = `study-test-${process.pid}`;
const study = parseStudy(
  {
    name: 'queue-study',
    title: 'queue study',
    queue,
    weights: { rule: 'first-batch-fraction', fraction: 1 },
    losses: [{ id: 'fitnet', label: 'FitNet', requires: 'feature', loss: { kind: 'fitnet' }, adapter: { kind: 'conv1x1' }, source: { level: 'paper', reference: 'r' } }],
    domains: [
      {
        id: 'sr',
        label: 'SR',
        profiles: { micro: { configs: [config], seeds: [0, 1] } },
        student: 'experiments/sisr/configs/methods/student.yaml',
        feature: { student: 'body', teacher: 'body', layout: 'nhwc' },
        output: { skip: 'not in this test' },
        metric: { key: 'eval/Set5/x2/psnr', label: 'PSNR', direction: 'higher' },
      },
    ],
  },
  'queue study',
);

describe('a study through the sweep queue', () => {
  let redis: ServiceHandle;
  let worker: ReturnType<typeof startWorker>;
  const trackingUri = path.join(tmp, 'mlruns');
  beforeAll(async () => {
    redis = await startRedis(path.join(tmp, 'redis'), await freePort());
    worker = startWorker({ queue, redisUrl: redis.uri, trackingUri, runsDir: path.join(tmp, 'worker-runs'), cacheDir: path.join(tmp, 'cache'), log: () => undefined });
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    // BullMQ does not close a connection it was given (startWorker gives one): close it before Redis stops.
    (worker?.worker.opts.connection as { disconnect?: () => void } | undefined)?.disconnect?.();
    if (redis) await stopGroup(redis.pid);
  }, 60_000);

  it('queues one job per cell, waits for a worker to run them, reports, and queues nothing the second time', async () => {
    const opts = { study, profile: 'micro', redisUrl: redis.uri, trackingUri, outDir: path.join(tmp, 'report'), pollSeconds: 1, log: () => undefined };
    const first = await runStudy(opts);
    expect(first.execution).toMatchObject({ mode: 'queue', reused: 0, ran: 4, failed: [] });
    expect(first.execution?.sweepId).toMatch(/^queue-study-micro-[0-9a-f]{10}$/);
    const fitnet = first.report.matrix.cells.find((c) => c.loss === 'fitnet')!;
    expect(fitnet.state).toBe('measured');
    expect(fitnet.withLoss?.n).toBe(2);
    expect(first.report.matrix.students.sr.stat?.n).toBe(2);

    const again = await runStudy(opts);
    expect(again.execution).toMatchObject({ mode: 'queue', reused: 4, ran: 0 });
  }, 300_000);
});
