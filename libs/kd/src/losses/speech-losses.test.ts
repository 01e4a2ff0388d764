// Golden values: golden/gen_speech_losses.py computes mrstft with torch.stft itself and mvat
// from its stated formula (PyTorch, float64, autograd gradients), independently of this code.
import * as fs from 'fs';
import * as path from 'path';
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { createLoss, lossSource } from '../loss';

interface Packed { shape: number[]; data: number[] }
interface GoldenCase { loss: { kind: string; [k: string]: unknown }; student: Packed; teacher: Packed; value: number; grad_student: Packed }

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'golden', 'speech_losses.json'), 'utf8')) as { cases: GoldenCase[] };
const tensor = (p: Packed) => tf.tensor(p.data, p.shape, 'float32');

describe('speech losses against PyTorch golden values', () => {
  it('covers mrstft and every MV-AT view', () => {
    const kinds = golden.cases.map((c) => `${c.loss.kind}${c.loss.view ? `:${String(c.loss.view)}` : ''}`);
    for (const k of ['mrstft', 'mvat:channel', 'mvat:global', 'mvat:local']) expect(kinds).toContain(k);
  });

  it.each(golden.cases.map((c) => [JSON.stringify(c.loss).slice(0, 80), c] as const))('%s: value and gradient', (_l, c) => {
    const loss = createLoss(c.loss);
    const s = tensor(c.student);
    const t = tensor(c.teacher);
    const value = loss.compute(s, t);
    expect(Math.abs(value.dataSync()[0] - c.value)).toBeLessThanOrEqual(1e-4 * Math.abs(c.value) + 1e-6);
    const g = tf.grad((x: Tensor) => loss.compute(x, t))(s);
    const want = tensor(c.grad_student);
    const scale = want.abs().max().dataSync()[0];
    expect(scale).toBeGreaterThan(0);
    expect(g.sub(want).abs().max().dataSync()[0]).toBeLessThanOrEqual(2e-3 * scale);
    tf.dispose([s, t, value, g, want]);
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
