import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { buildBackbone } from '../../backbone';
import { countParams } from '../../count';
import { Fold, mannerValidLength, Unfold } from './layers';

describe('MANNER', () => {
  it('base: the published parameter count (24.07 M); small: attention only in the deepest layer, fewer parameters', () => {
    // Park et al., ICASSP 2022: MANNER has 24.07 M parameters.
    const base = buildBackbone({ arch: 'manner-base' }, 0);
    const small = buildBackbone({ arch: 'manner-small' }, 0);
    expect(Math.abs(countParams(base, { trainableOnly: true }) / 24.07e6 - 1)).toBeLessThan(0.001);
    expect(countParams(small, { trainableOnly: true })).toBeLessThan(countParams(base, { trainableOnly: true }));
    expect(() => small.getLayer('enc3.global.map')).not.toThrow();
    expect(() => small.getLayer('dec3.local.map')).not.toThrow();
    expect(() => small.getLayer('enc2.global.map')).toThrow();
    expect(() => small.getLayer('enc0')).not.toThrow();
    base.dispose();
    small.dispose();
  });

  it('maps a waveform of any length to one of the same length, and exposes every attention view as a tap', () => {
    const m = buildBackbone({ arch: 'manner', hidden: 6, depth: 2, segment: 16 }, 1);
    for (const t of [1000, 1237]) {
      const y = m.predict(tf.randomNormal([2, 1, t, 1]).mul(0.1)) as Tensor;
      expect(y.shape).toEqual([2, 1, t, 1]);
      expect(Number.isFinite(y.sum().dataSync()[0])).toBe(true);
    }
    for (const tap of ['enc0', 'enc1', 'bottleneck', 'dec1', 'dec0', 'enc0.channel', 'enc0.global.map', 'enc0.local.map', 'dec0.channel.weights']) expect(() => m.getLayer(tap)).not.toThrow();
    m.dispose();
  });

  it('valid length: the strided encoder/decoder maps it back to itself', () => {
    for (const t of [1, 100, 16000, 16001]) {
      const v = mannerValidLength(t, 4, 8, 4);
      expect(v).toBeGreaterThanOrEqual(t);
      let l = v;
      for (let i = 0; i < 4; i++) l = (l - 8) / 4 + 1;
      expect(Number.isInteger(l)).toBe(true);
    }
  });

  it('overlapped chunking: fold(unfold(x)) = x (hop K/2, the overlap-add divides by 2)', () => {
    const x = tf.randomNormal([2, 1, 50, 3]);
    const chunks = new Unfold({ chunk: 8 }).apply(x) as Tensor;
    expect(chunks.shape).toEqual([2, Math.floor((50 + 8) / 4) + 1, 8, 3]);
    const back = new Fold({}).apply([chunks, x]) as Tensor;
    expect(back.sub(x).abs().max().dataSync()[0]).toBeLessThan(1e-6);
  });
});
