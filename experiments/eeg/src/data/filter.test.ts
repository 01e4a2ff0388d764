// The FIR band-pass against SciPy (golden/gen_filter.py: firwin's Hamming design and the centred
// convolution numpy.convolve(mode='same')), and its zero phase: a pass-band sine comes out with
// its amplitude and without delay.
import * as fs from 'fs';
import * as path from 'path';
import { bandpassTaps, filterZeroPhase } from './filter';

interface Case { taps: number; band: [number, number]; fs: number; h: number[]; x: number[]; y: number[]; freqs: number[]; gain: number[] }
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '../../golden/filter.json'), 'utf8')) as { cases: Case[] };

describe('band-pass filter', () => {
  it.each(golden.cases.map((c) => [`${c.taps} taps ${c.band[0]}-${c.band[1]} Hz at ${c.fs} Hz`, c] as const))('%s: taps and output match SciPy', (_n, c) => {
    const h = bandpassTaps(c.taps, c.band[0], c.band[1], c.fs);
    h.forEach((v, i) => expect(Math.abs(v - c.h[i])).toBeLessThan(1e-12));
    const y = filterZeroPhase(c.x, h);
    const scale = Math.max(...c.y.map(Math.abs));
    y.forEach((v, i) => expect(Math.abs(v - c.y[i])).toBeLessThan(1e-5 * scale));
  });

  it('4-40 Hz at 160 Hz: pass band near 1, DC and 1 Hz rejected (SciPy freqz)', () => {
    const c = golden.cases[0];
    // gain at 1 Hz, 4 Hz (edge: 0.5), 22 Hz (centre: 1), 40 Hz (edge), 75 Hz
    expect(c.gain[2]).toBeCloseTo(1, 6);
    expect(c.gain[0]).toBeLessThan(0.01);
    expect(c.gain[4]).toBeLessThan(0.01);
    expect(c.gain[1]).toBeGreaterThan(0.4);
  });

  it('is zero-phase: a 10 Hz sine keeps its amplitude and its phase', () => {
    const fsHz = 160;
    const x = Array.from({ length: 1600 }, (_, t) => Math.sin((2 * Math.PI * 10 * t) / fsHz) + 5);
    const y = filterZeroPhase(x, bandpassTaps(161, 4, 40, fsHz));
    for (let t = 400; t < 1200; t++) expect(Math.abs(y[t] - Math.sin((2 * Math.PI * 10 * t) / fsHz))).toBeLessThan(0.02);
  });

  it('rejects an even number of taps and a band past Nyquist', () => {
    expect(() => bandpassTaps(160, 4, 40, 160)).toThrow(/odd/);
    expect(() => bandpassTaps(161, 4, 90, 160)).toThrow(/fs\/2/);
  });
});
