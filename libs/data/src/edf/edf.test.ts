// The EDF reader on small files written here byte by byte (the layout of the EDF/EDF+ spec), so
// every field, the scaling and each error can be checked against values chosen by hand. The
// comparison with an independent reader (pyEDFlib) on real recordings is in
// tools/cli/src/commands/eeg.test.ts.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cleanLabel, EdfError, looksCrlfConverted, readEdf, summariseEdf, undoCrlfConversion } from './index';

interface SignalSpec { label: string; dim: string; pmin: number; pmax: number; dmin: number; dmax: number; spr: number; samples?: number[][]; tals?: string[] }

const field = (s: string | number, w: number) => String(s).padEnd(w, ' ').slice(0, w);

/** An EDF(+) file: header fields as given, records from each signal's per-record samples or TAL text. */
function edfBytes(o: { reserved?: string; records: number; announce?: number; duration: number; signals: SignalSpec[]; headerBytes?: number; version?: string; startdate?: string }): Buffer {
  const ns = o.signals.length;
  let h = field(o.version ?? '0', 8) + field('X X X X', 80) + field('Startdate 01-JAN-2020 X X X', 80) + field(o.startdate ?? '01.01.20', 8) + field('10.00.00', 8);
  h += field(o.headerBytes ?? 256 * (ns + 1), 8) + field(o.reserved ?? '', 44) + field(o.announce ?? o.records, 8) + field(o.duration, 8) + field(ns, 4);
  const per = (f: (s: SignalSpec) => string | number, w: number) => o.signals.map((s) => field(f(s), w)).join('');
  h += per((s) => s.label, 16) + per(() => 'AgAgCl electrode', 80) + per((s) => s.dim, 8) + per((s) => s.pmin, 8) + per((s) => s.pmax, 8);
  h += per((s) => s.dmin, 8) + per((s) => s.dmax, 8) + per(() => 'HP:0.1Hz', 80) + per((s) => s.spr, 8) + per(() => '', 32);
  const parts: Buffer[] = [Buffer.from(h, 'latin1')];
  for (let k = 0; k < o.records; k++) {
    for (const s of o.signals) {
      const b = Buffer.alloc(2 * s.spr);
      if (s.tals) Buffer.from(s.tals[k], 'utf8').copy(b);
      else s.samples![k].forEach((v, j) => b.writeInt16LE(v, 2 * j));
      parts.push(b);
    }
  }
  return Buffer.concat(parts);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-edf-unit-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const write = (b: Buffer) => {
  const f = path.join(tmp, `f${n++}.edf`);
  fs.writeFileSync(f, b);
  return f;
};

const eeg = (label: string, samples: number[][], extra: Partial<SignalSpec> = {}): SignalSpec => ({ label, dim: 'uV', pmin: -100, pmax: 100, dmin: -2048, dmax: 2047, spr: samples[0].length, samples, ...extra });
const annotations = (tals: string[]): SignalSpec => ({ label: 'EDF Annotations', dim: '', pmin: -1, pmax: 1, dmin: -32768, dmax: 32767, spr: 30, tals });

describe('readEdf', () => {
  it('parses header fields, scales digital to physical and µV, and reads TAL annotations', () => {
    const file = write(edfBytes({
      reserved: 'EDF+C', records: 2, duration: 0.5,
      signals: [
        eeg('Fc5.', [[-2048, 0, 2047, 1], [5, 6, 7, 8]]),
        eeg('Cz..', [[100, 200, 300, 400], [0, 0, 0, 0]], { dim: 'mV', pmin: -1, pmax: 1, dmin: -1000, dmax: 1000 }),
        annotations(['+0\x14\x14\x00+0.25\x150.5\x14T1\x14\x00', '+0.5\x14\x14\x00+0.75\x14T0\x14rest\x14\x00']),
      ],
    }));
    const edf = readEdf(file);
    expect(edf.header).toMatchObject({ format: 'EDF+C', records: 2, recordDuration: 0.5, signalCount: 3, startDate: '01.01.20', headerBytes: 1024 });
    expect(edf.signals.map((s) => [s.label, s.sampleRate, s.isAnnotation])).toEqual([['Fc5.', 8, false], ['Cz..', 8, false], ['EDF Annotations', 60, true]]);
    expect(edf.recordStarts).toEqual([0, 0.5]);
    expect(edf.annotations).toEqual([
      { onset: 0.25, duration: 0.5, description: 'T1' },
      { onset: 0.75, duration: null, description: 'T0' },
      { onset: 0.75, duration: null, description: 'rest' },
    ]);
    // physical = pmin + (d - dmin) * (pmax - pmin) / (dmax - dmin)
    const g = 200 / 4095;
    const fc5 = edf.physical(0);
    [-2048, 0, 2047, 1, 5, 6, 7, 8].forEach((d, j) => expect(fc5[j]).toBeCloseTo(-100 + (d + 2048) * g, 10));
    // mV -> µV: x 1000
    expect(Array.from(edf.microvolts(1).subarray(0, 2))).toEqual([100, 200].map((d) => 1000 * (-1 + (d + 1000) * (2 / 2000))).map((v) => expect.closeTo(v, 9)));
    expect(Array.from(edf.digital(0))).toEqual([-2048, 0, 2047, 1, 5, 6, 7, 8]);
    expect(() => edf.physical(2)).toThrow(/annotation channel/);
    const s = summariseEdf(file, { headSamples: 3 });
    expect(s).toMatchObject({ channels: ['Fc5', 'Cz'], sfreq: 8, nSamples: 8, durationS: 1 });
    expect(s.head.Cz).toHaveLength(3);
  });

  it('cleans labels the way MNE does (trailing dots and spaces)', () => {
    expect(['Fc5.', 'Cz..', 'T10.', 'Iz  ', 'A.B.'].map(cleanLabel)).toEqual(['Fc5', 'Cz', 'T10', 'Iz', 'A.B']);
  });

  const base = () => ({ records: 2, duration: 1, signals: [eeg('C3', [[1, 2], [3, 4]])] });

  it('names the file and field of a bad header', () => {
    const cases: [Buffer, RegExp][] = [
      [edfBytes({ ...base(), version: '1' }), /header field "version"/],
      [edfBytes({ ...base(), startdate: '2020-1-1' }), /header field "startdate"/],
      [edfBytes({ ...base(), headerBytes: 700 }), /header field "number of bytes in header record": 700, but 1 signals need 256 \* \(1 \+ 1\) = 512/],
      [edfBytes({ ...base(), signals: [eeg('C3', [[1, 2], [3, 4]], { dmin: 10, dmax: 5 })] }), /header field "signal 1 \(C3\) digital maximum": 5 is not above/],
      [edfBytes({ ...base(), signals: [eeg('C3', [[1, 2], [3, 4]], { pmin: 3, pmax: 3 })] }), /physical maximum.*no scale/],
      [Buffer.from(edfBytes(base()).toString('latin1').replace(/^(.{236})2 {7}/s, '$1two     '), 'latin1'), /header field "number of data records": "two" is not a number/],
      [edfBytes({ ...base(), reserved: 'EDF+C' }), /EDF\+C file without an "EDF Annotations" signal/],
      [edfBytes(base()).subarray(0, 300), /header field "signal 1 transducer type": the file ends at byte 300/],
    ];
    for (const [bytes, message] of cases) {
      const file = write(bytes);
      let err: unknown;
      try {
        readEdf(file);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EdfError);
      expect((err as Error).message.startsWith(`${file}: `)).toBe(true);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('refuses truncated files and extra bytes; resolves records = -1 from the size', () => {
    const full = edfBytes(base());
    expect(() => readEdf(write(full.subarray(0, full.length - 1)))).toThrow(/data records: truncated: the header announces 2 records of 4 bytes .* the file has 7 \(1 whole records\)/);
    expect(() => readEdf(write(Buffer.concat([full, Buffer.alloc(4)])))).toThrow(/data records: .* 4 bytes more/);
    expect(readEdf(write(edfBytes({ ...base(), announce: -1 }))).header.records).toBe(2);
  });

  it('rejects unknown units for µV and malformed TALs', () => {
    const volts = write(edfBytes({ ...base(), signals: [eeg('C3', [[1, 2], [3, 4]], { dim: 'degC' })] }));
    expect(() => readEdf(volts).microvolts(0)).toThrow(/signal 1 \(C3\) physical dimension.*"degC" is not a voltage/);
    const bad = write(edfBytes({ reserved: 'EDF+C', records: 1, duration: 1, signals: [eeg('C3', [[1, 2]]), annotations(['+0\x14\x14\x00x1\x14T1\x14\x00'])] }));
    expect(() => readEdf(bad)).toThrow(/data record 1 annotation onset: "x1"/);
  });

  it('detects an LF -> CRLF conversion and undoes it only when the header size verifies it', () => {
    // 40 samples of 0x0A0A: many LF bytes, as real int16 data has.
    const samples = [Array(40).fill(0x0a0a), Array(40).fill(0x0a0a)];
    const good = edfBytes({ records: 2, duration: 1, signals: [eeg('C3', samples)] });
    const converted = Buffer.from(good.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    expect(looksCrlfConverted(good)).toBe(false);
    expect(looksCrlfConverted(converted)).toBe(true);
    expect(undoCrlfConversion(converted).equals(good)).toBe(true);
    const edf = readEdf(write(converted));
    expect(edf.repaired).toBe('crlf-to-lf');
    expect(Array.from(edf.digital(0))).toEqual(samples.flat());
    expect(() => readEdf(write(converted), { repairLineEndings: false })).toThrow(/file bytes: .*LF -> CRLF/);
    // Converted, then cut back to the original length: not repairable, and said so.
    expect(() => readEdf(write(converted.subarray(0, good.length)))).toThrow(/truncated .*not repairable/);
  });
});
