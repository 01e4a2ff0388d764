import { EEGMMIDB_CHANNELS, MONTAGES, POSITIONS, canonicalElectrode, montage, montageFigure, montageIndices } from './index';

describe('montages', () => {
  it('full has the 64 channels; headphone and headband are 8-electrode subsets', () => {
    expect(MONTAGES.full.electrodes).toHaveLength(64);
    expect(MONTAGES.headphone.electrodes).toEqual(['FT7', 'FT8', 'T7', 'T8', 'TP7', 'TP8', 'T9', 'T10']);
    expect(MONTAGES.headband.electrodes).toEqual(['Fp1', 'Fpz', 'Fp2', 'AF7', 'AFz', 'AF8', 'F7', 'F8']);
    expect(() => montage('helmet')).toThrow(/unknown montage "helmet"; montages: full, headphone, headband/);
  });

  it('maps file labels (EEGMMIDB spelling) to rows; a missing electrode names the montage and the recording', () => {
    const fileLabels = EEGMMIDB_CHANNELS.map((c) => c.charAt(0) + c.slice(1).toLowerCase()); // 'Fc5', 'Fpz', 'Af7' as in the files
    expect(canonicalElectrode('Fc5')).toBe('FC5');
    expect(canonicalElectrode('Afz')).toBe('AFz');
    const idx = montageIndices(MONTAGES.headphone, fileLabels, 'S001R04');
    expect(idx.map((i) => EEGMMIDB_CHANNELS[i])).toEqual([...MONTAGES.headphone.electrodes]);
    expect(() => montageIndices(MONTAGES.headphone, fileLabels.filter((l) => l !== 'T9'), 'S001R04')).toThrow(/electrode T9 is not among the channels of S001R04/);
  });

  it('positions follow the 10-10 layout: Cz centre, Fpz front, T7 left, T8 right, Oz back, equator at radius 1', () => {
    const near = (a: [number, number], b: [number, number]) => Math.hypot(a[0] - b[0], a[1] - b[1]) < 1e-9;
    expect(near(POSITIONS.Cz, [0, 0])).toBe(true);
    expect(near(POSITIONS.Fpz, [0, 1])).toBe(true);
    expect(near(POSITIONS.T7, [-1, 0])).toBe(true);
    expect(near(POSITIONS.T8, [1, 0])).toBe(true);
    expect(near(POSITIONS.Oz, [0, -1])).toBe(true);
    expect(POSITIONS.C3[0]).toBeCloseTo(-0.5, 9);
    expect(Math.hypot(...POSITIONS.F8)).toBeCloseTo(1, 9);
    // Left electrodes (odd numbers) on the left, right (even) on the right, front rows in front.
    for (const e of EEGMMIDB_CHANNELS) {
      const m = /(\d+)$/.exec(e);
      if (m) expect(Math.sign(POSITIONS[e][0])).toBe(Number(m[1]) % 2 ? -1 : 1);
    }
    expect(POSITIONS.AF3[1]).toBeGreaterThan(POSITIONS.F3[1]);
    expect(POSITIONS.F3[1]).toBeGreaterThan(POSITIONS.FC3[1]);
  });

  it('the figure draws every montage with its electrodes marked', () => {
    const spec = montageFigure([MONTAGES.full, MONTAGES.headphone]) as { hconcat: { layer: { data: { values: { electrode?: string; inMontage?: string }[] } }[] }[] };
    expect(spec.hconcat).toHaveLength(2);
    const dots = spec.hconcat[1].layer[1].data.values;
    expect(dots).toHaveLength(64);
    expect(dots.filter((d) => d.inMontage === 'in montage').map((d) => d.electrode).sort()).toEqual([...MONTAGES.headphone.electrodes].sort());
  });
});
