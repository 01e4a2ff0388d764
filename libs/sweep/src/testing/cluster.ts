// The sweep tests' own servers: Redis, PostgreSQL and MLflow on PostgreSQL, on 127.0.0.1 and free
// ports, in a temp folder; and `kdlab` child processes with their output kept.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '@kdlab/data';
import { startMlflow } from '../services/mlflow';
import { startPostgres } from '../services/postgres';
import { freePort, stopGroup, type ServiceHandle } from '../services/process';
import { startRedis } from '../services/redis';

export interface TestCluster {
  dir: string;
  redis: ServiceHandle;
  postgres: ServiceHandle;
  mlflow: ServiceHandle;
  env: Record<string, string>;
  restartRedis(): Promise<void>;
  restartMlflow(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-sweep-'));
  // PostgreSQL runs as the postgres user when we are root: it must be able to enter the folder.
  fs.chmodSync(dir, 0o755);
  const started: ServiceHandle[] = [];
  let redis: ServiceHandle, postgres: ServiceHandle, mlflow: ServiceHandle, backend: string;
  try {
    started.push((redis = await startRedis(path.join(dir, 'redis'), await freePort())));
    started.push((postgres = await startPostgres(path.join(dir, 'postgres'), await freePort())));
    backend = postgres.uri.replace(/^postgresql:/, 'postgresql+psycopg2:');
    started.push((mlflow = await startMlflow(path.join(dir, 'mlflow'), await freePort(), backend)));
  } catch (err) {
    // Nothing of a half-started cluster outlives the failure.
    for (const s of started.reverse()) await stopGroup(s.pid);
    throw err;
  }
  const c: TestCluster = {
    dir,
    redis,
    postgres,
    mlflow,
    env: { REDIS_URL: redis.uri, MLFLOW_TRACKING_URI: mlflow.uri },
    async restartRedis() {
      await stopGroup(c.redis.pid);
      c.redis = await startRedis(c.redis.dir, c.redis.port);
    },
    async restartMlflow() {
      await stopGroup(c.mlflow.pid);
      c.mlflow = await startMlflow(c.mlflow.dir, c.mlflow.port, backend);
    },
    async stop() {
      for (const s of [c.mlflow, c.postgres, c.redis]) await stopGroup(s.pid, 10_000, s.name === 'postgres' ? 'SIGINT' : 'SIGTERM');
    },
  };
  return c;
}

export interface Child {
  proc: ChildProcess;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function kdlabChild(args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [path.join(repoRoot(), 'tools/cli/bin/kdlab.js'), ...args], { cwd: repoRoot(), env: { ...process.env, CI: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (b) => (out += b));
  proc.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('close', (code, signal) => resolve({ code, signal })));
  return { proc, out: () => out, exited };
}

export async function kdlabDone(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const c = kdlabChild(args, env);
  const { code } = await c.exited;
  return { code, out: c.out() };
}

/** A student-only SR micro run (x2, 1-block 4-channel EDSR, 8 px patches) of `steps` steps, checkpointed every 5. */
export function microSweepConfig(dir: string, steps: number, experiment = 'sweep-micro'): string {
  const file = path.join(dir, `${experiment}-${steps}.yaml`);
  fs.writeFileSync(
    file,
    `extends: ${path.join(repoRoot(), 'experiments/sisr/configs/base.yaml')}
experiment: ${experiment}
method: student
data: { scale: 2, train: [Set5], trainLimit: 2, lrPatch: 8, batch: 2, test: [Set5] }
eval: { limit: 1 }
student:
  model: { arch: edsr, blocks: 1, channels: 4 }
kd:
  terms:
    - { name: task, loss: { kind: l1 }, weight: 1, student: output, teacher: target }
optim:
  optimizer: { kind: adam, lr: 0.001 }
train: { steps: ${steps}, logEvery: 1, checkpointEvery: 5 }
`,
  );
  return file;
}
