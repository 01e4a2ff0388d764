// `kdlab loss eval`: every golden case of the losses it can evaluate from two files (no context,
// no learned weights) gives the PyTorch value of libs/kd/golden (independent generators), through
// the function the command runs; the command line itself: --json, defaults, aliases, and errors
// that name the file.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { evaluateLossFiles } from './loss';

interface Packed {
  shape: number[];
  data: number[];
}
interface GoldenCase {
  loss: { kind: string; [k: string]: unknown };
  student: Packed;
  teacher: Packed;
  value: number;
  weights?: unknown;
  context?: unknown;
}

const root = path.resolve(__dirname, '../../../..');
const golden = (file: string) => (JSON.parse(fs.readFileSync(path.join(root, 'libs/kd/golden', file), 'utf8')) as { cases: GoldenCase[] }).cases;
const cases = [...golden('losses.json'), ...golden('cls_losses.json')];
const kdlab = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'tools/cli/bin/kdlab.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-loss-eval-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function tensorFile(name: string, t: Packed, layout?: string): string {
  const file = path.join(tmp, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ shape: t.shape, layout: layout ?? (t.shape.length === 4 ? 'NHWC' : 'NC'), data: t.data }));
  return file;
}

function find(kind: string, options: Record<string, unknown> = {}): GoldenCase {
  const c = cases.find((g) => JSON.stringify(g.loss) === JSON.stringify({ kind, ...options }));
  if (!c) throw new Error(`no golden case ${kind} ${JSON.stringify(options)}`);
  return c;
}

describe('kdlab loss eval', () => {
  // Cases that need only two tensors: no learned weights, no SR outputs in a context (FACD's gate).
  const fileCases = cases.filter((c) => !c.weights && (!c.context || c.loss.adaptive === false));

  it('matches the committed golden values of every two-tensor case (kd, at, sp, fitnet, fakd, l1, l2, ce, lsfd, facd)', async () => {
    expect(new Set(fileCases.map((c) => c.loss.kind))).toEqual(new Set(['l1', 'l2', 'fitnet', 'fakd', 'facd', 'lsfd', 'ce', 'kd', 'at', 'sp']));
    for (const [i, c] of fileCases.entries()) {
      const { kind, ...options } = c.loss;
      const r = await evaluateLossFiles(kind, options, tensorFile(`s${i}`, c.student), tensorFile(`t${i}`, c.teacher));
      expect({ case: c.loss, value: r.value }).toEqual({ case: c.loss, value: expect.closeTo(c.value, Math.max(0, 5 - Math.ceil(Math.log10(Math.abs(c.value) + 1)))) });
      expect(r.kind).toBe(kind);
    }
  }, 120_000);

  it('--json prints kind, resolved options (defaults filled, T = temperature) and the value', () => {
    const c = find('kd', { temperature: 1 });
    const res = kdlab('loss', 'eval', '--kind', 'kd', '--options', '{"T": 1}', '--student', tensorFile('kd-s', c.student), '--teacher', tensorFile('kd-t', c.teacher), '--json');
    expect(res.stderr).not.toMatch(/kdlab:/);
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout.trim().split('\n').pop()!);
    expect(out).toEqual({ kind: 'kd', options: { temperature: 1 }, value: expect.closeTo(c.value, 5) });
    const dflt = find('kd');
    const res2 = kdlab('loss', 'eval', '--kind', 'kd', '--student', tensorFile('kd-s2', dflt.student), '--teacher', tensorFile('kd-t2', dflt.teacher), '--json');
    expect(JSON.parse(res2.stdout.trim().split('\n').pop()!)).toEqual({ kind: 'kd', options: { temperature: 4 }, value: expect.closeTo(dflt.value, 5) });
  }, 60_000);

  it('mse is l2; fakd and at take their own defaults', async () => {
    const l2 = find('l2');
    expect((await evaluateLossFiles('mse', {}, tensorFile('mse-s', l2.student), tensorFile('mse-t', l2.teacher))).value).toBeCloseTo(l2.value, 5);
    const fakd = find('fakd');
    expect((await evaluateLossFiles('fakd', {}, tensorFile('fakd-s', fakd.student), tensorFile('fakd-t', fakd.teacher))).options).toEqual({ distance: 'l1', pool: 1 });
    const at = find('at');
    expect((await evaluateLossFiles('at', {}, tensorFile('at-s', at.student), tensorFile('at-t', at.teacher))).options).toEqual({ p: 2 });
  });

  it('bad files and options are errors that name the file or the option', async () => {
    const c = find('l1');
    const good = tensorFile('good', c.student);
    const short = path.join(tmp, 'short.json');
    fs.writeFileSync(short, JSON.stringify({ shape: [2, 3], layout: 'NC', data: [1, 2, 3] }));
    await expect(evaluateLossFiles('l1', {}, good, short)).rejects.toThrow(`${short}: "data" has 3 numbers but shape [2, 3] needs 6`);
    const layout = tensorFile('nchw', c.student, 'NCHW');
    await expect(evaluateLossFiles('l1', {}, layout, good)).rejects.toThrow(`${layout}: "layout" must be "NHWC" or "NC"`);
    const rank = tensorFile('rank', c.student, 'NC');
    await expect(evaluateLossFiles('l1', {}, rank, good)).rejects.toThrow(`${rank}: layout NC needs a shape of rank 2`);
    const notJson = path.join(tmp, 'broken.json');
    fs.writeFileSync(notJson, '{"shape": [1,');
    await expect(evaluateLossFiles('l1', {}, notJson, good)).rejects.toThrow(`${notJson}: not valid JSON`);
    await expect(evaluateLossFiles('l1', {}, path.join(tmp, 'missing.json'), good)).rejects.toThrow(/missing\.json: cannot read the tensor file \(ENOENT\)/);
    await expect(evaluateLossFiles('kd', { T: -1 }, good, good)).rejects.toThrow(/temperature/);
    await expect(evaluateLossFiles('nope', {}, good, good)).rejects.toThrow(/unknown loss kind 'nope'/);
    const res = kdlab('loss', 'eval', '--kind', 'l1', '--student', good, '--teacher', short);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`kdlab: ${short}: "data" has 3 numbers`);
  }, 60_000);
});
