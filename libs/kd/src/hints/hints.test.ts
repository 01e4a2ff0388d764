import { Rng, tf } from '@kdlab/engine';
import { buildBackbone } from '@kdlab/backbones';
import { linearCka } from './cka';
import { describeLayers, pairHints, probeSpatialSizes, selectHintPoints } from './clustered';
import { kMeans } from './kmeans';
import { tapModel } from '../taps';

describe('kMeans', () => {
  it('finds well-separated clusters, the same way for the same seed', () => {
    const rng = new Rng(1);
    const blob = (cx: number, cy: number) => Array.from({ length: 6 }, () => [cx + 0.1 * rng.normal(), cy + 0.1 * rng.normal()]);
    const points = [...blob(0, 0), ...blob(5, 5), ...blob(0, 5)];
    const res = kMeans(points, 3, new Rng(7));
    for (const g of [0, 6, 12]) expect(new Set(res.assignment.slice(g, g + 6)).size).toBe(1);
    expect(new Set(res.assignment).size).toBe(3);
    expect(kMeans(points, 3, new Rng(7)).assignment).toEqual(res.assignment);
    expect(() => kMeans(points, 0, new Rng(1))).toThrow(/k = 0/);
  });
});

describe('linear CKA', () => {
  it('is 1 for a rotated and scaled copy, and low for unrelated features', () => {
    const x = tf.randomNormal([64, 8], 0, 1, 'float32', 1);
    const q = tf.linalg.qr(tf.randomNormal([8, 8], 0, 1, 'float32', 2))[0];
    expect(linearCka(x, x.matMul(q).mul(3))).toBeCloseTo(1, 4);
    expect(linearCka(x, tf.randomNormal([64, 8], 0, 1, 'float32', 3))).toBeLessThan(0.4);
  });
});

describe('clustered hint points', () => {
  const blocks = (n: number) => [1, 2, 3].flatMap((s) => Array.from({ length: n }, (_, b) => `stage${s}.block${b}`));

  it('describes each layer, chooses k layers in model order, deterministically for a seed', () => {
    const teacher = buildBackbone({ arch: 'resnet-cifar', depth: 20, widths: [8, 8, 16, 16] }, 0);
    const probe = tf.randomNormal([16, 16, 16, 3], 0, 1, 'float32', 4);
    const candidates = blocks(3);
    const layers = describeLayers(teacher, candidates, probe);
    expect(layers.map((l) => l.layer)).toEqual(candidates);
    for (const l of layers) {
      expect(l.metrics.sparsity).toBeGreaterThanOrEqual(0);
      expect(l.metrics.sparsity).toBeLessThanOrEqual(1);
      expect(l.metrics.ckaOutput).toBeGreaterThan(0);
      expect(l.metrics.ckaOutput).toBeLessThanOrEqual(1 + 1e-5);
    }
    expect(layers[0].shape).toEqual([16, 16, 8]);
    // Recomputed from the tapped activations (inference mode): the mean, std and fraction <= 0 of each layer.
    const taps = tapModel(teacher, candidates).forward(probe, false);
    for (const l of layers) {
      const f = taps.features[l.layer];
      const [mean, std, sparse] = tf.tidy(() => {
        const m = tf.moments(f);
        return [m.mean.dataSync()[0], Math.sqrt(m.variance.dataSync()[0]), f.lessEqual(0).cast('float32').mean().dataSync()[0]];
      });
      expect([l.layer, l.metrics.sparsity]).toEqual([l.layer, expect.closeTo(sparse, 5)]);
      expect([l.layer, l.metrics.mean]).toEqual([l.layer, expect.closeTo(mean, 4)]);
      expect([l.layer, l.metrics.std]).toEqual([l.layer, expect.closeTo(std, 4)]);
    }
    tf.dispose([taps.output, ...Object.values(taps.features)]);
    const sel = selectHintPoints(teacher, candidates, probe, { k: 3, seed: 1 });
    expect(sel.hints.length).toBe(3);
    expect(sel.hints.map((h) => candidates.indexOf(h))).toEqual([...sel.hints.map((h) => candidates.indexOf(h))].sort((a, b) => a - b));
    expect(sel.clusters.flatMap((c) => c.members).sort()).toEqual([...candidates].sort());
    expect(selectHintPoints(teacher, candidates, probe, { k: 3, seed: 1 }).hints).toEqual(sel.hints);
    probe.dispose();
    teacher.dispose();
  });

  it('pairs each teacher hint with the student layer of its resolution at the nearest relative depth', () => {
    const teacher = buildBackbone({ arch: 'resnet-cifar', depth: 20, widths: [4, 4, 8, 8] }, 0);
    const student = buildBackbone({ arch: 'resnet-cifar', depth: 14, widths: [4, 4, 8, 8] }, 0);
    const probe = tf.zeros([2, 16, 16, 3]);
    const t = { layers: blocks(3), hw: probeSpatialSizes(teacher, blocks(3), probe) };
    const s = { layers: blocks(2), hw: probeSpatialSizes(student, blocks(2), probe) };
    expect(t.hw['stage2.block0']).toBe('8x8');
    expect(pairHints(['stage1.block0', 'stage2.block1', 'stage3.block2'], t, s)).toEqual(['stage1.block0', 'stage2.block0', 'stage3.block1']);
    expect(() => pairHints(['stage1.block0'], t, { layers: ['stage3.block0'], hw: { 'stage3.block0': '4x4' } })).toThrow(/no student layer has the spatial size 16x16/);
    probe.dispose();
    teacher.dispose();
    student.dispose();
  });
});
