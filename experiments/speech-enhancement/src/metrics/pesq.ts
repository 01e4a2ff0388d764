// PESQ (ITU-T P.862 narrow band, P.862.2 wide band) from the ITU reference C code,
// as the PyPI package `pesq` wraps it, through one long-lived Python worker
// (python/pesq_worker.py in the project venv). Requests are queued in order;
// an error reply names the pair it belongs to, and the worker keeps serving.
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { repoRoot } from '@kdlab/data';

export type PesqMode = 'wb' | 'nb';

/** The interpreter that has `pesq`: $KDLAB_PYTHON, else <repo>/.venv/bin/python. */
export function speechPython(): string {
  const py = process.env.KDLAB_PYTHON ?? path.join(repoRoot(), '.venv', 'bin', 'python');
  if (!fs.existsSync(py)) throw new Error(`PESQ needs the project venv (${py} not found): run \`bash tools/provision/mlflow.sh\`, which installs tools/provision/requirements-speech.txt`);
  return py;
}

interface Pending {
  resolve(v: Partial<Record<PesqMode, number>>): void;
  reject(e: Error): void;
  label: string;
}

export class PesqWorker {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stderr = '';
  private closed = false;
  private readonly ready: Promise<void>;

  constructor() {
    const script = path.join(__dirname, '..', '..', 'python', 'pesq_worker.py');
    this.proc = spawn(speechPython(), [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    const lines = readline.createInterface({ input: this.proc.stdout });
    let markReady: () => void = () => {};
    let failReady: (e: Error) => void = () => {};
    this.ready = new Promise((res, rej) => {
      markReady = res;
      failReady = rej;
    });
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { ready?: boolean; id?: number; pesq?: Partial<Record<PesqMode, number>>; error?: string };
      if (msg.ready) return markReady();
      const p = this.pending.get(msg.id!);
      if (!p) return;
      this.pending.delete(msg.id!);
      if (msg.error !== undefined) p.reject(new Error(`PESQ of ${p.label}: ${msg.error}`));
      else p.resolve(msg.pesq!);
    });
    this.proc.on('close', (code) => {
      this.closed = true;
      const why = new Error(`PESQ worker exited (code ${code})${this.stderr ? `: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
      failReady(why);
      for (const p of this.pending.values()) p.reject(why);
      this.pending.clear();
    });
    // A worker that never says ready (missing package, broken venv) fails the first request, not the process.
    this.ready.catch(() => {});
  }

  /** PESQ of `deg` against the clean `ref` (float samples at `rate`, 8000 or 16000; 'wb' needs 16000). */
  async score(ref: Float32Array, deg: Float32Array, rate: number, mode: PesqMode, label = 'the pair'): Promise<number> {
    const r = this.request(ref, deg, rate, [mode], label);
    return (await r.result)[mode]!;
  }

  /**
   * Sends one request for several modes. `sent` resolves once the request has left this
   * process (the worker then has all of it), so the caller can do CPU work meanwhile and the
   * two processes compute in parallel; `result` resolves with the scores.
   */
  request(ref: Float32Array, deg: Float32Array, rate: number, modes: PesqMode[], label = 'the pair'): { sent: Promise<void>; result: Promise<Partial<Record<PesqMode, number>>> } {
    if (ref.length !== deg.length) {
      const err = Promise.reject(new Error(`PESQ of ${label}: reference has ${ref.length} samples, estimate ${deg.length}`));
      err.catch(() => {});
      return { sent: Promise.resolve(), result: err };
    }
    let markSent: () => void = () => {};
    const sent = new Promise<void>((res) => (markSent = res));
    const result = this.ready.then(() => {
      if (this.closed) throw new Error(`PESQ of ${label}: the worker has exited`);
      const id = this.nextId++;
      const b64 = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64');
      return new Promise<Partial<Record<PesqMode, number>>>((resolve, reject) => {
        this.pending.set(id, { resolve, reject, label });
        this.proc.stdin.write(JSON.stringify({ id, rate, modes, ref: b64(ref), deg: b64(deg) }) + '\n', () => markSent());
      });
    });
    result.catch(() => markSent());
    return { sent, result };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const done = new Promise<void>((res) => this.proc.once('close', () => res()));
    this.proc.stdin.end();
    await done;
  }
}
