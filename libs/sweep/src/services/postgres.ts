// A local PostgreSQL for MLflow's backend store, from Debian's postgresql package: a cluster of its
// own in `dir` (initdb on first use), listening on 127.0.0.1 only with trust authentication, which is
// fine for a development machine and tests; a real cluster points MLFLOW_TRACKING_URI at its own server.
// PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { launch, waitReady, type ServiceHandle } from './process';

const DATABASE = 'mlflow';

function binDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error("PostgreSQL not found under /usr/lib/postgresql: install Debian's postgresql (bash tools/provision/setup.sh --with-debian does)");
  return path.join(base, versions[0], 'bin');
}

const asRoot = () => process.getuid?.() === 0;
const user = () => (asRoot() ? 'postgres' : undefined);

function run(cmd: string, args: string[], what: string): string {
  const [bin, argv] = asRoot() ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const res = spawnSync(bin, argv, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${what} failed (exit ${res.status}): ${(res.stderr || res.stdout).trim().split('\n').slice(-5).join('\n')}`);
  return res.stdout;
}

function chownToPostgres(dir: string): void {
  if (!asRoot()) return;
  const res = spawnSync('chown', ['-R', 'postgres:postgres', dir]);
  if (res.status !== 0) throw new Error(`chown postgres ${dir} failed`);
}

function ready(bin: string, port: number): Promise<boolean> {
  return Promise.resolve(spawnSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']).status === 0);
}

export async function startPostgres(dir: string, port: number, timeoutMs = 60_000): Promise<ServiceHandle> {
  const bin = binDir();
  const data = path.join(dir, 'data');
  fs.mkdirSync(dir, { recursive: true });
  chownToPostgres(dir);
  if (asRoot() && spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-w', dir]).status !== 0) {
    throw new Error(`the postgres user cannot reach ${dir}: make its parent folders traversable (chmod o+x), or choose another folder`);
  }
  if (!fs.existsSync(path.join(data, 'PG_VERSION'))) {
    run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions'], `initdb ${data}`);
  }
  const logFile = path.join(dir, 'postgres.log');
  if (!fs.existsSync(logFile)) fs.writeFileSync(logFile, '');
  chownToPostgres(logFile);
  const launched = launch(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-k', dir], { logFile, asUser: user() });
  await waitReady(`postgres on 127.0.0.1:${port}`, launched, () => ready(bin, port), timeoutMs);
  const exists = run(path.join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-tAc', `SELECT 1 FROM pg_database WHERE datname = '${DATABASE}'`], 'psql');
  if (exists.trim() !== '1') run(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', DATABASE], `createdb ${DATABASE}`);
  return { name: 'postgres', pid: launched.pid, port, uri: `postgresql://postgres@127.0.0.1:${port}/${DATABASE}`, dir, logFile };
}
