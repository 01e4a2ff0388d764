import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dataPath } from '@kdlab/data';

// Reference: pydicom 3.0.2 (tools/provision/requirements-ct.txt) through the project venv, on
// every DICOM file of ct/popi-itkelastix and ct/covid19-ny-sbu (both transfer syntaxes there).
const root = path.resolve(__dirname, '../../../..');
const python = path.join(root, '.venv/bin/python');
const reference = path.join(root, 'libs/data/golden/pydicom_ct_info.py');
const kdlab = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'tools/cli/bin/kdlab.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' }, maxBuffer: 64 << 20 });

function dicomFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? dicomFiles(path.join(dir, e.name)) : e.name.endsWith('.dcm') ? [path.join(dir, e.name)] : [])).sort();
}

const jsonLines = (text: string) => text.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l));

describe('kdlab ct info', () => {
  const files = [...dicomFiles(dataPath('ct/popi-itkelastix')), ...dicomFiles(dataPath('ct/covid19-ny-sbu'))];

  it('agrees with pydicom on every CT file of the data root', () => {
    expect(files.length).toBe(133);
    const ref = spawnSync(python, [reference, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (ref.error || ref.status !== 0) throw new Error(`pydicom reference failed (install it with bash tools/provision/mlflow.sh): ${ref.error?.message ?? ref.stderr}`);
    const expected = jsonLines(ref.stdout);
    const res = kdlab('ct', 'info', '--json', '--dicom', ...files);
    expect(res.stderr).not.toMatch(/Error/);
    expect(res.status).toBe(0);
    const got = jsonLines(res.stdout);
    expect(got).toHaveLength(files.length);
    // Both transfer syntaxes of these sets are exercised.
    expect(new Set(expected.map((e) => e.transferSyntax))).toEqual(new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']));
    got.forEach((g, i) => {
      const e = expected[i];
      const where = files[i];
      expect({ where, keys: Object.keys(g) }).toEqual({ where, keys: ['rows', 'columns', 'pixelSpacing', 'sliceThickness', 'rescaleSlope', 'rescaleIntercept', 'hu', 'huHead'] });
      expect({ where, rows: g.rows, columns: g.columns, pixelSpacing: g.pixelSpacing, sliceThickness: g.sliceThickness, slope: g.rescaleSlope, intercept: g.rescaleIntercept, head: g.huHead, min: g.hu.min, max: g.hu.max })
        .toEqual({ where, rows: e.rows, columns: e.columns, pixelSpacing: e.pixelSpacing, sliceThickness: e.sliceThickness, slope: e.rescaleSlope, intercept: e.rescaleIntercept, head: e.huHead, min: e.hu.min, max: e.hu.max });
      // The mean is a float64 sum in both; only the summation order differs.
      expect(Math.abs(g.hu.mean - e.hu.mean)).toBeLessThan(1e-9 * Math.max(1, Math.abs(e.hu.mean)));
    });
  });

  it('prints exactly one JSON object for one file', () => {
    const res = kdlab('ct', 'info', '--json', '--dicom', files[0]);
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.rows).toBe(512);
    expect(out.huHead).toHaveLength(16);
  });

  it('names the file and the transfer syntax it refuses, and the file it cannot read', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-ct-'));
    try {
      // The same slice relabelled as RLE Lossless: the meta header's UID is rewritten in place (same length).
      const bytes = fs.readFileSync(files[files.length - 1]);
      const uid = Buffer.from('1.2.840.10008.1.2.1\0');
      const at = bytes.indexOf(uid);
      expect(at).toBeGreaterThan(0);
      Buffer.from('1.2.840.10008.1.2.5\0').copy(bytes, at);
      const relabelled = path.join(tmp, 'rle.dcm');
      fs.writeFileSync(relabelled, bytes);
      const res = kdlab('ct', 'info', '--json', '--dicom', relabelled);
      expect(res.status).not.toBe(0);
      expect(res.stderr).toContain(relabelled);
      expect(res.stderr).toMatch(/transfer syntax 1\.2\.840\.10008\.1\.2\.5 \(RLE Lossless\) is not supported/);
      const missing = path.join(tmp, 'nope.dcm');
      const res2 = kdlab('ct', 'info', '--dicom', missing);
      expect(res2.status).not.toBe(0);
      expect(res2.stderr).toContain(`${missing}: not found`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
