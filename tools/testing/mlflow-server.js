// Starts and stops a real MLflow tracking server for tests and benchmarks:
// `mlflow server` from the project's .venv (tools/provision/mlflow.sh installs
// it), on 127.0.0.1 and a free port, SQLite backend, artifacts served by the
// server (--serve-artifacts, the default), health-checked on /health.
// The server runs in its own process group so stop() ends it and its worker
// processes (uvicorn) together, and only them.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');

const ROOT = path.resolve(__dirname, '../..');
const MLFLOW = path.join(ROOT, '.venv/bin/mlflow');

/** Installs MLflow into .venv with the project's own script (a no-op when it is there). */
function ensureMlflowInstalled() {
  const res = spawnSync('bash', [path.join(ROOT, 'tools/provision/mlflow.sh')], { stdio: 'inherit' });
  if (res.status !== 0) throw new Error('tools/provision/mlflow.sh failed: MLflow is not installed in .venv');
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function getStatus(url, timeoutMs) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {object} [opts]
 * @param {string} [opts.dir] data folder (mlflow.db, artifacts/, server.log); a new temp folder by default
 * @param {number} [opts.port] a free port by default
 * @param {number} [opts.healthTimeoutMs] default 180 s (a fresh database migrates first; 2 busy cores)
 * @param {number} [opts.workers] uvicorn workers, default 1
 * @param {string} [opts.backendStoreUri] where runs are stored (default: SQLite in `dir`; e.g. a postgresql:// URI)
 */
async function startMlflowServer(opts = {}) {
  if (!fs.existsSync(MLFLOW)) ensureMlflowInstalled();
  const dir = opts.dir ?? fs.mkdtempSync(path.join(require('os').tmpdir(), 'kdlab-mlflow-'));
  fs.mkdirSync(path.join(dir, 'artifacts'), { recursive: true });
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(dir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  const args = [
    'server',
    '--host', '127.0.0.1',
    '--port', String(port),
    '--backend-store-uri', opts.backendStoreUri ?? `sqlite:///${path.join(dir, 'mlflow.db')}`,
    '--serve-artifacts',
    '--artifacts-destination', path.join(dir, 'artifacts'),
    '--workers', String(opts.workers ?? 1),
  ];
  const env = { ...process.env };
  // No tracking client settings leak into the server, and no background job
  // runner (huey consumers) competes with the tests for the 2 cores.
  for (const k of Object.keys(env)) if (k.startsWith('MLFLOW_TRACKING_')) delete env[k];
  env.MLFLOW_SERVER_ENABLE_JOB_EXECUTION = 'false';
  const child = spawn(MLFLOW, args, { cwd: dir, env, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const started = Date.now();
  const deadline = started + (opts.healthTimeoutMs ?? 180000);
  for (;;) {
    if (exited) {
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      throw new Error(`mlflow server exited (${JSON.stringify(exited)}) before it was healthy; log tail:\n${tail}`);
    }
    if ((await getStatus(`${url}/health`, 2000)) === 200) break;
    if (Date.now() > deadline) {
      stopGroup(child.pid);
      throw new Error(`mlflow server on ${url} not healthy after ${opts.healthTimeoutMs ?? 180000} ms (log: ${logFile})`);
    }
    await sleep(200);
  }
  const server = {
    url,
    port,
    dir,
    pid: child.pid,
    logFile,
    startupMs: Date.now() - started,
    /** Ends the server's process group: SIGTERM, then SIGKILL after graceMs. */
    async stop(graceMs = 5000) {
      if (exited) return;
      stopGroup(child.pid, 'SIGTERM');
      const until = Date.now() + graceMs;
      while (!exited && Date.now() < until) await sleep(50);
      stopGroup(child.pid, 'SIGKILL');
      while (!exited) await sleep(20);
      await sleep(50);
    },
    /** Kills the server's process group at once, as a crash would. */
    async kill() {
      stopGroup(child.pid, 'SIGKILL');
      while (!exited) await sleep(20);
      // uvicorn's worker is in the same group; give the kernel a moment to free the port.
      await sleep(100);
    },
  };
  return server;
}

function stopGroup(pid, signal = 'SIGTERM') {
  try {
    process.kill(-pid, signal);
  } catch (e) {
    if (e.code !== 'ESRCH') throw e;
  }
}

module.exports = { startMlflowServer, ensureMlflowInstalled, freePort, MLFLOW, ROOT };
