// Long-lived local servers (Redis, PostgreSQL, MLflow) as detached process groups: they outlive the
// command that started them (`kdlab cluster up`), log to a file, and are stopped by pid.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A running local server. */
export interface ServiceHandle {
  name: string;
  pid: number;
  port: number;
  /** The URI clients use (redis://..., postgresql://..., http://...). */
  uri: string;
  dir: string;
  logFile: string;
}

export interface Launched {
  pid: number;
  logFile: string;
}

export interface LaunchOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
  /** Run as this system user (PostgreSQL refuses to run as root). */
  asUser?: string;
}

/** Starts `cmd args` in its own process group, detached, stdout/stderr appended to `logFile`. */
export function launch(cmd: string, args: string[], opts: LaunchOptions): Launched {
  const log = fs.openSync(opts.logFile, 'a');
  const [bin, argv] = opts.asUser ? ['runuser', ['-u', opts.asUser, '--', cmd, ...args]] : [cmd, args];
  const child = spawn(bin, argv, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  child.unref();
  if (!child.pid) throw new Error(`could not start ${cmd} (see ${opts.logFile})`);
  return { pid: child.pid, logFile: opts.logFile };
}

/** Polls `ready` until it holds; an exited process or the deadline is an error with the log's tail. */
export async function waitReady(what: string, launched: Launched, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready()) return;
    const tail = () => (fs.existsSync(launched.logFile) ? fs.readFileSync(launched.logFile, 'utf8').split('\n').slice(-20).join('\n') : '');
    if (!alive(launched.pid)) throw new Error(`${what} exited before it was ready; log ${launched.logFile}:\n${tail()}`);
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms; log ${launched.logFile}:\n${tail()}`);
    await sleep(200);
  }
}

/** Signals the process group, waits up to `graceMs`, then SIGKILLs it. */
export async function stopGroup(pid: number, graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const send = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      /* already gone */
    }
  };
  send(signal);
  const until = Date.now() + graceMs;
  while (alive(pid) && Date.now() < until) await sleep(50);
  if (alive(pid)) send('SIGKILL');
  while (alive(pid)) await sleep(20);
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** The first existing path among `candidates`, or an error naming the Debian package that provides it. */
export function findBinary(name: string, candidates: string[], debianPackage: string): string {
  for (const c of candidates) if (fs.existsSync(c)) return c;
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (which.status === 0) return which.stdout.trim();
  throw new Error(`${name} not found: install Debian's ${debianPackage} (bash tools/provision/setup.sh --with-debian does)`);
}
