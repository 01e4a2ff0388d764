import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '../../..');
const kdlab = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'tools/cli/bin/kdlab.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });

describe('kdlab CLI', () => {
  it('`kdlab env` prints the native backend and versions', () => {
    const res = kdlab('env');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^backend: tensorflow$/m);
    expect(res.stdout).toMatch(/^threads: \d+$/m);
    expect(res.stdout).toMatch(/^version tensorflow-c: 2\./m);
  });

  it('`kdlab env --json` prints one JSON object', () => {
    const info = JSON.parse(kdlab('env', '--json').stdout);
    expect(info.backend).toBe('tensorflow');
  });

  it('an unknown subcommand exits non-zero with a message', () => {
    const res = kdlab('no-such-command');
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('unknown command');
  });

  it('`kdlab quickstart` trains on a real image crop and its loss falls', () => {
    const res = kdlab('quickstart', '--steps', '40');
    expect(res.status).toBe(0);
    const m = /L1 loss: first ([\d.]+) -> last ([\d.]+)/.exec(res.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBeLessThan(Number(m![1]));
  });
});
