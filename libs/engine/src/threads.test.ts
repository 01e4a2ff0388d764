import { spawnSync } from 'child_process';
import * as path from 'path';
import { threadSettings, THREAD_ENV_VARS } from './provenance';

const root = path.resolve(__dirname, '../../..');

/** engineInfo(engine).threadEnv in a fresh process whose environment is `env` (the four variables cleared first). */
function threadEnvInChild(env: Record<string, string>): Record<string, string> {
  const base = { ...process.env };
  for (const k of THREAD_ENV_VARS) delete base[k];
  // The variables change after the library loaded: what is recorded must be what TensorFlow saw.
  const script = "const e=require('./libs/engine/src/index.ts'); process.env.OMP_NUM_THREADS='99'; console.log(JSON.stringify(e.engineInfo(e.engine)))";
  const res = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root, env: { ...base, ...env }, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(res.stderr);
  const info = JSON.parse(res.stdout.trim().split('\n').pop()!);
  return { ...info.threadEnv, threads: String(info.threads) };
}

describe('thread settings in engineInfo (provenance) and kdlab env', () => {
  it("records each variable as set, 'default' when unset, as it was when TensorFlow loaded", () => {
    expect(threadEnvInChild({ TF_NUM_INTRAOP_THREADS: '2', TF_ENABLE_ONEDNN_OPTS: '0' })).toEqual({
      TF_NUM_INTRAOP_THREADS: '2',
      TF_NUM_INTEROP_THREADS: 'default',
      OMP_NUM_THREADS: 'default',
      TF_ENABLE_ONEDNN_OPTS: '0',
      threads: '2',
    });
    expect(threadSettings({ TF_NUM_INTEROP_THREADS: ' 1 ', OMP_NUM_THREADS: '' })).toEqual({
      TF_NUM_INTRAOP_THREADS: 'default',
      TF_NUM_INTEROP_THREADS: '1',
      OMP_NUM_THREADS: 'default',
      TF_ENABLE_ONEDNN_OPTS: 'default',
    });
  });

  it('kdlab env prints them', () => {
    const res = spawnSync(process.execPath, [path.join(root, 'node_modules/.bin/kdlab'), 'env'], {
      cwd: root,
      env: { ...process.env, TF_NUM_INTEROP_THREADS: '1', OMP_NUM_THREADS: '' },
      encoding: 'utf8',
    });
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('env TF_NUM_INTEROP_THREADS: 1');
    expect(res.stdout).toContain('env OMP_NUM_THREADS: default');
    expect(res.stdout).toMatch(/env TF_ENABLE_ONEDNN_OPTS: \S+/);
  });
});
