import { spawnSync } from 'child_process';
import * as path from 'path';
import { parse } from 'yaml';
import { KDLAB, REPO } from './testing/micro';

const configs = ['quick-x4.yaml', 'methods/fakd.yaml'].map((f) => path.join(REPO, 'experiments/sisr/configs', f));
const kdlab = (...args: string[]) => spawnSync(process.execPath, [KDLAB, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, CI: 'true' } });

describe('kdlab run (command line)', () => {
  it('--print-config prints the resolved config with its hash', () => {
    const res = kdlab('run', ...configs, '--seed', '5', '--print-config');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^# sha256 [0-9a-f]{64}\n/);
    const config = parse(res.stdout);
    expect(config).toMatchObject({ experiment: 'sisr-quick', name: 'quick-x4-fakd-s5', seed: 5, method: 'student + FAKD', data: { scale: 4 } });
    expect(config.student.model).toEqual({ arch: 'edsr', blocks: 4, channels: 16, scale: 4 });
  });

  it('a config error exits 1 and names the file and the field', () => {
    const res = kdlab('run', ...configs, '--set', 'kd.terms[1].weight=lots', '--print-config');
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('quick-x4.yaml');
    expect(res.stderr).toContain('config.kd.terms[1].weight: Expected number, received string');
  });
});
