// `kdlab cluster up|down|status`: Redis, PostgreSQL and an MLflow server on PostgreSQL, on 127.0.0.1,
// for one machine or development. Their data and logs live in one folder (default <repo>/.cache/cluster),
// whose state.json records pids and ports, so `down` and `status` work from any later command.
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '@kdlab/data';
import { startMlflow, mlflowHealthy } from './services/mlflow';
import { startPostgres } from './services/postgres';
import { alive, freePort, portOpen, stopGroup, type ServiceHandle } from './services/process';
import { redisPing, startRedis } from './services/redis';

export interface ClusterState {
  dir: string;
  services: ServiceHandle[];
}

export interface ClusterUris {
  REDIS_URL: string;
  MLFLOW_TRACKING_URI: string;
}

export function clusterDir(dir?: string): string {
  return path.resolve(dir ?? process.env.KDLAB_CLUSTER_DIR ?? path.join(repoRoot(), '.cache', 'cluster'));
}

const stateFile = (dir: string) => path.join(dir, 'state.json');

export function readCluster(dir = clusterDir()): ClusterState | undefined {
  const f = stateFile(dir);
  return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as ClusterState) : undefined;
}

export function urisOf(state: ClusterState): ClusterUris {
  const uri = (name: string) => state.services.find((s) => s.name === name)?.uri ?? '';
  return { REDIS_URL: uri('redis'), MLFLOW_TRACKING_URI: uri('mlflow') };
}

/** A port for a service: the one it had before (its data is there), else a free one. */
async function portFor(previous: ClusterState | undefined, name: string): Promise<number> {
  const before = previous?.services.find((s) => s.name === name)?.port;
  if (before && !(await portOpen(before))) return before;
  return freePort();
}

export async function clusterUp(opts: { dir?: string; log?: (line: string) => void } = {}): Promise<ClusterState> {
  const dir = clusterDir(opts.dir);
  const log = opts.log ?? (() => undefined);
  const previous = readCluster(dir);
  if (previous && previous.services.length === 3 && previous.services.every((s) => alive(s.pid))) {
    log(`cluster already up in ${dir}`);
    return previous;
  }
  if (previous) await clusterDown({ dir });
  fs.mkdirSync(dir, { recursive: true });
  const services: ServiceHandle[] = [];
  const save = () => fs.writeFileSync(stateFile(dir), JSON.stringify({ dir, services }, null, 2) + '\n');
  try {
    log('starting redis-server');
    services.push(await startRedis(path.join(dir, 'redis'), await portFor(previous, 'redis')));
    save();
    log('starting postgres');
    const pg = await startPostgres(path.join(dir, 'postgres'), await portFor(previous, 'postgres'));
    services.push(pg);
    save();
    log('starting mlflow server on postgres (a fresh database migrates first: up to a minute)');
    // SQLAlchemy's default PostgreSQL driver is psycopg 3; the .venv has psycopg2 (requirements-sweeps.txt).
    services.push(await startMlflow(path.join(dir, 'mlflow'), await portFor(previous, 'mlflow'), pg.uri.replace(/^postgresql:/, 'postgresql+psycopg2:')));
    save();
  } catch (err) {
    for (const s of services.reverse()) await stopGroup(s.pid);
    fs.rmSync(stateFile(dir), { force: true });
    throw err;
  }
  return { dir, services };
}

export async function clusterDown(opts: { dir?: string } = {}): Promise<string[]> {
  const dir = clusterDir(opts.dir);
  const state = readCluster(dir);
  if (!state) return [];
  const stopped: string[] = [];
  // MLflow first (it holds connections to PostgreSQL), then PostgreSQL, then Redis.
  for (const s of [...state.services].reverse()) {
    if (alive(s.pid)) {
      await stopGroup(s.pid, 20_000, s.name === 'postgres' ? 'SIGINT' : 'SIGTERM');
      stopped.push(s.name);
    }
  }
  fs.rmSync(stateFile(dir), { force: true });
  return stopped;
}

export interface ServiceStatus {
  name: string;
  uri: string;
  pid: number;
  running: boolean;
  healthy: boolean;
}

export async function clusterStatus(opts: { dir?: string } = {}): Promise<ServiceStatus[]> {
  const state = readCluster(clusterDir(opts.dir));
  if (!state) return [];
  const healthy = (s: ServiceHandle) => (s.name === 'redis' ? redisPing(s.port) : s.name === 'mlflow' ? mlflowHealthy(s.uri) : portOpen(s.port));
  return Promise.all(state.services.map(async (s) => ({ name: s.name, uri: s.uri, pid: s.pid, running: alive(s.pid), healthy: alive(s.pid) && (await healthy(s)) })));
}
