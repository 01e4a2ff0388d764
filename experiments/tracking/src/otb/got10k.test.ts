// `kdlab track eval` against the got10k toolkit (got10k 0.1.3, tools/provision/requirements-tracking.txt,
// through .venv/bin/python): for the three real sequences, predictions of several kinds (noisy
// boxes at growing noise, boxes outside the image, degenerate boxes, a box that never moves),
// the CLI's JSON must equal ExperimentOTB's scores; the VOT polygon conversion must equal
// got10k's VOT loader (_corner2rect).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng } from '@kdlab/engine';
import { dataPath } from '@kdlab/data';
import { formatBoxes, readBoxes, type Box } from './index';

const root = path.resolve(__dirname, '../../../..');
const python = path.join(root, '.venv/bin/python');
const reference = path.join(root, 'experiments/tracking/tools/got10k_otb.py');
const kdlab = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'tools/cli/bin/kdlab.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
const got10k = (args: string[]) => {
  const ref = spawnSync(python, [reference, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (ref.error || ref.status !== 0) throw new Error(`got10k reference failed (install it with bash tools/provision/mlflow.sh): ${ref.error?.message ?? ref.stderr}`);
  return ref.stdout.trim().split('\n').map((l) => JSON.parse(l));
};

const SEQUENCES = [
  { name: 'otb_crossing', gt: 'tracking/otb_crossing/groundtruth_rect.txt', vot: false },
  { name: 'otb_human3', gt: 'tracking/otb_human3/groundtruth_rect.txt', vot: false },
  { name: 'vot15_bag', gt: 'tracking/vot15_bag/groundtruth.txt', vot: true },
];

function predictions(gt: Box[], rng: Rng): Record<string, Box[]> {
  const noisy = (sigma: number) => gt.map((b) => [b[0] + sigma * rng.normal(), b[1] + sigma * rng.normal(), Math.max(1, b[2] * Math.exp(0.2 * sigma / 10 * rng.normal())), Math.max(1, b[3] * Math.exp(0.2 * sigma / 10 * rng.normal()))] as Box);
  return {
    exact: gt.map((b) => [...b] as Box),
    noise2: noisy(2),
    noise8: noisy(8),
    noise25: noisy(25),
    outside: gt.map((b, i) => (i % 3 === 0 ? b : ([-500 - b[2], 2000, b[2], b[3]] as Box))),
    degenerate: gt.map((b, i) => (i % 2 === 0 ? ([b[0], b[1], 0, 0] as Box) : ([b[0] + 1.5, b[1] - 2.25, b[2], 1] as Box))),
    frozen: gt.map(() => gt[0]),
  };
}

describe('kdlab track eval against got10k ExperimentOTB', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-otb-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('VOT polygons become the boxes got10k makes of them', () => {
    const file = dataPath('tracking/vot15_bag/groundtruth.txt');
    const [want] = got10k(['--vot-boxes', file]) as number[][][];
    const got = readBoxes(file);
    expect(got).toHaveLength(196);
    got.forEach((b, i) => b.forEach((v, j) => expect(Math.abs(v - want[i][j])).toBeLessThan(1e-9)));
  });

  it('prints the got10k success AUC and precision@20 for every sequence and kind of prediction', () => {
    const rng = new Rng(16);
    const pairs: { gtFile: string; predFile: string; vot: boolean; label: string }[] = [];
    for (const seq of SEQUENCES) {
      const gtFile = dataPath(seq.gt);
      for (const [kind, boxes] of Object.entries(predictions(readBoxes(gtFile), rng))) {
        const predFile = path.join(tmp, `${seq.name}-${kind}.txt`);
        // Tab-separated for half of them: the reader takes commas or whitespace.
        fs.writeFileSync(predFile, kind.length % 2 ? formatBoxes(boxes) : formatBoxes(boxes).replace(/,/g, '\t'));
        pairs.push({ gtFile, predFile, vot: seq.vot, label: `${seq.name}/${kind}` });
      }
    }
    const want = got10k(pairs.flatMap((p) => [...(p.vot ? ['--vot'] : []), p.gtFile, p.predFile]));
    expect(want).toHaveLength(pairs.length);
    const distinct = new Set<number>();
    pairs.forEach((p, i) => {
      const res = kdlab('track', 'eval', '--gt', p.gtFile, '--pred', p.predFile, '--json');
      expect({ label: p.label, status: res.status, stderr: res.stderr.slice(-300) }).toEqual({ label: p.label, status: 0, stderr: expect.any(String) });
      const got = JSON.parse(res.stdout.trim().split('\n').pop()!);
      expect(Object.keys(got).sort()).toEqual(['frames', 'precision20', 'successAuc']);
      expect({ label: p.label, frames: got.frames }).toEqual({ label: p.label, frames: want[i].frames });
      expect(Math.abs(got.successAuc - want[i].successAuc)).toBeLessThan(1e-12);
      expect(Math.abs(got.precision20 - want[i].precision20)).toBeLessThan(1e-12);
      distinct.add(got.successAuc);
    });
    // The cases really differ (a broken metric that returns a constant would fail above anyway).
    expect(distinct.size).toBeGreaterThan(10);
  });

  it('names the file and line of a malformed box, and refuses a frame-count mismatch', () => {
    const bad = path.join(tmp, 'bad.txt');
    fs.writeFileSync(bad, '1,2,3,4\n5,6,x,8\n');
    const res = kdlab('track', 'eval', '--gt', bad, '--pred', bad, '--json');
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain(`${bad}:2: "x" is not a number`);
    const short = path.join(tmp, 'short.txt');
    fs.writeFileSync(short, '1,2,3,4\n');
    const gt = dataPath('tracking/otb_crossing/groundtruth_rect.txt');
    const mismatch = kdlab('track', 'eval', '--gt', gt, '--pred', short);
    expect(mismatch.status).not.toBe(0);
    expect(mismatch.stderr).toMatch(/1 predicted boxes for 120 ground-truth frames/);
  });
});
