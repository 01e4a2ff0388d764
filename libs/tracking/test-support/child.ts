// Spawns test-support/log-child.ts in its own Node process (TypeScript through tsx).
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import { ROOT } from './python';

export function spawnLogger(args: string[]): ChildProcess {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MLFLOW_')) delete env[k];
  return spawn(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'log-child.ts'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function collect(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b) => (stdout += b));
  child.stderr!.on('data', (b) => (stderr += b));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** Resolves with the first stdout line matching `re`. */
export function waitForLine(child: ChildProcess, re: RegExp, timeoutMs = 60000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`no line matching ${re} within ${timeoutMs} ms; got ${buf}`)), timeoutMs);
    child.stdout!.on('data', (b) => {
      buf += b;
      const m = re.exec(buf);
      if (m) {
        clearTimeout(t);
        resolve(m);
      }
    });
  });
}
