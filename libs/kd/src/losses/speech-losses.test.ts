// Golden values: golden/gen_speech_losses.py computes mrstft with torch.stft itself and mvat
// from its stated formula (PyTorch, float64, autograd gradients), independently of this code.
import { tf } from '@kdlab/engine';
import { createLoss, lossSource } from '../loss';
import { expectLossMatchesGolden, readGoldenCases } from '../testing/golden';

const cases = readGoldenCases('speech_losses.json');

describe('speech losses against PyTorch golden values', () => {
  it('covers mrstft and every MV-AT view', () => {
    const kinds = cases.map((c) => `${c.loss.kind}${c.loss.view ? `:${String(c.loss.view)}` : ''}`);
    for (const k of ['mrstft', 'mvat:channel', 'mvat:global', 'mvat:local']) expect(kinds).toContain(k);
  });

  it.each(cases.map((c) => [JSON.stringify(c.loss).slice(0, 80), c] as const))('%s: value and gradient', (_l, c) => {
    const loss = createLoss(c.loss);
    expectLossMatchesGolden(loss, c, { valueRel: 1e-4, valueAbs: 1e-6, gradRel: 2e-3 });
    loss.dispose();
  });

  it('MV-AT is abstract-only, compares widths without adapters, and rejects mismatched grids', () => {
    expect(lossSource('mvat')?.level).toBe('abstract-only');
    expect(lossSource('mrstft')?.level).toBe('official-code');
    const loss = createLoss({ kind: 'mvat', view: 'channel' });
    expect(loss.needsSameChannels).toBe(false);
    expect(() => loss.compute(tf.ones([1, 1, 10, 4]), tf.ones([1, 1, 12, 8]))).toThrow(/channel view.*differ/);
    // Identical maps (up to width and scale) give zero.
    const a = tf.randomNormal([2, 1, 16, 3]);
    expect(loss.compute(tf.concat([a, a], -1), a.mul(3)).dataSync()[0]).toBeLessThan(1e-9);
  });
});
