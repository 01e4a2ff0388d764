import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dataPath, looksCrlfConverted, readEdf, summariseEdf, undoCrlfConversion, type EdfSummary } from '@kdlab/data';

// Reference: pyEDFlib 0.1.42 (tools/provision/requirements-eeg.txt) through the project venv, on
// every EDF file of eeg/eegmmidb/S001. The shared copy went through an LF -> CRLF conversion
// (every 0x0A byte has a 0x0D before it), which pyEDFlib refuses; kdlab undoes it when the
// header's size verifies the repair. pyEDFlib therefore reads the repaired bytes (written to a
// temporary folder), and both readers must agree on every field of `kdlab eeg inspect --json`.
const root = path.resolve(__dirname, '../../../..');
const python = path.join(root, '.venv/bin/python');
const reference = path.join(root, 'experiments/eeg/tools/edf_reference.py');
const kdlab = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'tools/cli/bin/kdlab.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' }, maxBuffer: 64 << 20 });
const jsonLines = (text: string) => text.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l));
const pyedflib = (files: string[]) => {
  const ref = spawnSync(python, [reference, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (ref.error || ref.status !== 0) throw new Error(`pyEDFlib reference failed (install it with bash tools/provision/mlflow.sh): ${ref.error?.message ?? ref.stderr}`);
  return jsonLines(ref.stdout) as (EdfSummary & { file: string; error?: string })[];
};

describe('EDF reader against pyEDFlib on EEGMMIDB S001', () => {
  const dir = dataPath('eeg/eegmmidb/S001');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.edf')).sort().map((f) => path.join(dir, f));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-edf-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('agrees on channels, rates, lengths, annotations and the first samples of every file', () => {
    expect(files).toHaveLength(14);
    const repaired = files.map((f) => {
      const raw = fs.readFileSync(f);
      const out = path.join(tmp, path.basename(f));
      fs.writeFileSync(out, looksCrlfConverted(raw) ? undoCrlfConversion(raw) : raw);
      return out;
    });
    const byFile = new Map(pyedflib(repaired).map((e) => [e.file, e]));
    const expected = repaired.map((f) => byFile.get(f)!);
    expect(expected.every((e) => e !== undefined)).toBe(true);
    let compared = 0;
    files.forEach((file, i) => {
      const e = expected[i];
      if (e.error) {
        // R01/R02 (the baselines) were cut to their original size after the conversion: their
        // last record is incomplete. pyEDFlib refuses the repaired copy (file size), and kdlab
        // must refuse the file too, naming it and the truncation.
        expect({ file, e: e.error }).toEqual({ file, e: expect.stringMatching(/Filesize/) });
        expect(() => summariseEdf(file)).toThrow(new RegExp(`${path.basename(file)}: data records: .*truncated`));
        return;
      }
      const got = summariseEdf(file);
      expect({ file, channels: got.channels, sfreq: got.sfreq, nSamples: got.nSamples, durationS: got.durationS }).toEqual({ file, channels: e.channels, sfreq: e.sfreq, nSamples: e.nSamples, durationS: e.durationS });
      expect(got.channels).toHaveLength(64);
      expect(got.annotations.length).toBeGreaterThan(0);
      expect(got.annotations.map((a) => a.description)).toEqual(e.annotations.map((a) => a.description));
      got.annotations.forEach((a, k) => {
        expect(Math.abs(a.onset - e.annotations[k].onset)).toBeLessThan(1e-9);
        expect(a.duration === null ? null : Math.abs(a.duration - e.annotations[k].duration!)).toEqual(e.annotations[k].duration === null ? null : expect.any(Number));
        if (a.duration !== null) expect(Math.abs(a.duration - e.annotations[k].duration!)).toBeLessThan(1e-9);
      });
      for (const label of got.channels) {
        expect(got.head[label]).toHaveLength(8);
        got.head[label].forEach((v, k) => expect(Math.abs(v - e.head[label][k])).toBeLessThan(1e-6));
      }
      compared++;
    });
    // The twelve task runs (R03-R14) are compared in full.
    expect(compared).toBe(12);
  });

  it('pyEDFlib refuses the stored (converted) bytes; kdlab names the corruption when asked not to repair', () => {
    const r04 = files.find((f) => f.endsWith('R04.edf'))!;
    expect(pyedflib([r04])[0].error).toMatch(/not EDF/);
    expect(() => readEdf(r04, { repairLineEndings: false })).toThrow(/S001R04\.edf: file bytes: .*LF -> CRLF/);
  });

  it('kdlab eeg inspect --json prints the reader summary; a truncated file is an error naming it', () => {
    const r04 = files.find((f) => f.endsWith('R04.edf'))!;
    const res = kdlab('eeg', 'inspect', '--edf', r04, '--json');
    expect(res.status).toBe(0);
    const printed = jsonLines(res.stdout);
    expect(printed).toHaveLength(1);
    expect(Object.keys(printed[0])).toEqual(['channels', 'sfreq', 'nSamples', 'durationS', 'annotations', 'head']);
    expect(printed[0]).toEqual(JSON.parse(JSON.stringify(summariseEdf(r04))));
    expect(res.stderr).toMatch(/line-ending conversion/);
    const bad = kdlab('eeg', 'inspect', '--edf', files.find((f) => f.endsWith('R01.edf'))!, '--json');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/S001R01\.edf: data records: .*truncated/);
  });
});
