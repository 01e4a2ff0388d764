// A local MLflow tracking server from the project's .venv (tools/provision/mlflow.sh), on a given
// backend store (PostgreSQL for sweeps; SQLite for comparison), with artifacts served by the server so
// every worker reaches checkpoints through the same URL.
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { repoRoot } from '@kdlab/data';
import { launch, waitReady, type ServiceHandle } from './process';

function health(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/health`, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export async function startMlflow(dir: string, port: number, backendStoreUri: string, timeoutMs = 240_000): Promise<ServiceHandle> {
  const mlflow = path.join(repoRoot(), '.venv', 'bin', 'mlflow');
  if (!fs.existsSync(mlflow)) throw new Error(`${mlflow} not found: run bash tools/provision/mlflow.sh`);
  fs.mkdirSync(path.join(dir, 'artifacts'), { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' };
  for (const k of Object.keys(env)) if (k.startsWith('MLFLOW_TRACKING_')) delete env[k];
  const url = `http://127.0.0.1:${port}`;
  const args = ['server', '--host', '127.0.0.1', '--port', String(port), '--backend-store-uri', backendStoreUri, '--serve-artifacts', '--artifacts-destination', path.join(dir, 'artifacts'), '--workers', '1'];
  const launched = launch(mlflow, args, { logFile: path.join(dir, 'mlflow.log'), cwd: dir, env });
  await waitReady(`mlflow server on ${url}`, launched, () => health(url), timeoutMs);
  return { name: 'mlflow', pid: launched.pid, port, uri: url, dir, logFile: launched.logFile };
}

export { health as mlflowHealthy };
