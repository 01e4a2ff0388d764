// `kdlab study` as a user meets it: an unknown study or domain is an error naming what exists, and
// --report-only over an empty store writes a report whose cells are all pending or skipped.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '../../../..');
const kdlab = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'tools/cli/bin/kdlab.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true', REDIS_URL: '' } });

describe('kdlab study', () => {
  it('names the studies that exist when the name is unknown', () => {
    const res = kdlab('study', 'no-such-study');
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/no-such-study.*does not exist \(studies: .*cross-task/);
  });

  it('names the domains that exist when --domains names another', () => {
    const res = kdlab('study', 'cross-task', '--domains', 'sisr,nope', '--report-only', '--tracking-uri', fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-study-cli-')));
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/--domains: no domain "nope" in study cross-task \(domains: sisr, classification, ct/);
  });

  it('--report-only on an empty store: every planned cell pending, skips with reasons, nothing run', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-study-cli-'));
    const res = kdlab('study', 'cross-task', '--domains', 'speech', '--report-only', '--tracking-uri', path.join(tmp, 'mlruns'), '--out-dir', path.join(tmp, 'out'));
    expect(res.status).toBe(0);
    const csv = fs.readFileSync(path.join(tmp, 'out', 'matrix.csv'), 'utf8');
    expect(csv.split('\n').filter(Boolean)).toHaveLength(1 + 6);
    expect(csv).toMatch(/"?fakd"?,.*,skipped,.*sequence \[N, T, C\]/);
    expect(csv.match(/,missing,/g)).toHaveLength(5);
    expect(fs.existsSync(path.join(tmp, 'mlruns'))).toBe(false); // --report-only ran nothing
    expect(fs.readFileSync(path.join(tmp, 'out', 'index.html'), 'utf8')).toMatch(/This report covers only speech enhancement \(MANNER\) \(chosen with --domains\); the study also defines SISR/);
  });
});
