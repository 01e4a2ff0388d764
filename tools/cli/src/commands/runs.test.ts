// A misspelt or missing experiment is an error that says so, in `kdlab runs ls` and
// `kdlab report`, on a local store and on a real MLflow server (not an empty listing or
// "no finished runs"); an existing experiment still lists its runs.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createTracker } from '@kdlab/tracking';

const root = path.resolve(__dirname, '../../../..');
const kdlab = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'tools/cli/bin/kdlab.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMlflowServer } = require(path.join(root, 'tools/testing/mlflow-server.js')) as typeof import('../../../testing/mlflow-server');

async function oneRun(uri: string): Promise<string> {
  const handle = await createTracker(uri).startRun({ experiment: 'exists', runName: 'r1' });
  handle.logMetrics({ 'eval/toy/mae': 0.5 }, 1);
  await handle.end('FINISHED');
  return handle.runId;
}

function expectNotFound(uri: string, shown: string, out: string): void {
  for (const args of [['runs', 'ls', '--from', uri, '--experiment', 'nope'], ['runs', 'ls', '--from', uri, '--experiment', 'nope', '--json'], ['report', '--from', uri, '--experiment', 'nope', '--out', out]]) {
    const res = kdlab(...args);
    expect([args.join(' '), res.status, res.stderr.trim()]).toEqual([args.join(' '), 1, `kdlab: experiment 'nope' not found on ${shown}`]);
  }
  expect(fs.existsSync(out)).toBe(false);
}

describe('a missing experiment', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-runs-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('is an error naming it and the local store', async () => {
    const store = path.join(tmp, 'mlruns');
    const runId = await oneRun(store);
    expectNotFound(store, store, path.join(tmp, 'report-local'));
    const ls = kdlab('runs', 'ls', '--from', store, '--experiment', 'exists');
    expect(ls.status).toBe(0);
    expect(ls.stdout).toMatch(new RegExp(`${runId}\\s+r1\\s+FINISHED`));
  });

  it('is an error naming it and the MLflow server', async () => {
    const server = await startMlflowServer();
    try {
      const runId = await oneRun(server.url);
      expectNotFound(server.url, `${server.url.replace(/\/$/, '')}/`, path.join(tmp, 'report-server'));
      const ls = kdlab('runs', 'ls', '--from', server.url, '--experiment', 'exists', '--json');
      expect(ls.status).toBe(0);
      expect(JSON.parse(ls.stdout).runs.map((r: { info: { runId: string } }) => r.info.runId)).toEqual([runId]);
    } finally {
      await server.stop();
    }
  }, 180000);
});
