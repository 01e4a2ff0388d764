import { tf } from '@kdlab/engine';
import { createAdapter } from './adapter';

describe('createAdapter', () => {
  it('conv1x1 is x W + b on the last axis, for NHWC maps and [N, C] vectors alike', () => {
    const a = createAdapter({ kind: 'conv1x1', inChannels: 3, outChannels: 5 }, 1);
    const [w, b] = a.trainableWeights;
    expect(w.shape).toEqual([3, 5]);
    expect(b.shape).toEqual([5]);
    const x = tf.randomNormal([2, 4, 3, 3], 0, 1, 'float32', 2);
    const y = a.apply(x);
    expect(y.shape).toEqual([2, 4, 3, 5]);
    // Pixel (1, 2, 0) by hand.
    const px = x.slice([1, 2, 0, 0], [1, 1, 1, 3]).reshape([1, 3]);
    const want = px.matMul(w).add(b).reshape([5]);
    expect(y.slice([1, 2, 0, 0], [1, 1, 1, 5]).reshape([5]).sub(want).abs().max().dataSync()[0]).toBeLessThan(1e-6);
    expect(a.apply(tf.ones([7, 3])).shape).toEqual([7, 5]);
    a.dispose();
  });

  it('mlp has a hidden layer (default width = outChannels) with ReLU', () => {
    const a = createAdapter({ kind: 'mlp', inChannels: 4, outChannels: 6 }, 1);
    expect(a.trainableWeights.map((v) => v.shape)).toEqual([[4, 6], [6], [6, 6], [6]]);
    const b = createAdapter({ kind: 'mlp', inChannels: 4, outChannels: 6, hidden: 9 }, 1);
    expect(b.trainableWeights[0].shape).toEqual([4, 9]);
    a.dispose();
    b.dispose();
  });

  it('convreg is ReLU(BatchNorm(x W + b)) with batch statistics over every position (RepDistiller ConvReg, equal sizes)', () => {
    const a = createAdapter({ kind: 'convreg', inChannels: 3, outChannels: 2 }, 4);
    expect(a.trainableWeights.map((v) => v.shape)).toEqual([[3, 2], [2], [2], [2]]);
    const x = tf.randomNormal([2, 3, 2, 3], 0, 1, 'float32', 5);
    const y = a.apply(x).arraySync() as number[][][][];
    // By hand, in plain numbers: z = x W + b per position, then per channel (z - mean) / sqrt(var + 1e-5), ReLU.
    const [w, b] = a.trainableWeights.map((v) => v.arraySync()) as [number[][], number[]];
    const px = (x.reshape([-1, 3]).arraySync() as number[][]).map((p) => [0, 1].map((o) => p.reduce((acc, v, i) => acc + v * w[i][o], b[o])));
    const want = px.map(() => [0, 0]);
    for (const o of [0, 1]) {
      const col = px.map((p) => p[o]);
      const mean = col.reduce((acc, v) => acc + v, 0) / col.length;
      const variance = col.reduce((acc, v) => acc + (v - mean) ** 2, 0) / col.length;
      col.forEach((v, i) => (want[i][o] = Math.max(0, (v - mean) / Math.sqrt(variance + 1e-5))));
    }
    expect(y.flat(2).flat()).toEqual(want.flat().map((v) => expect.closeTo(v, 5)));
    a.dispose();
  });

  it('is seeded: the same seed gives the same weights, within PyTorch default bounds', () => {
    const [a, b, c] = [1, 1, 2].map((s) => createAdapter({ kind: 'conv1x1', inChannels: 16, outChannels: 8 }, s));
    const same = a.trainableWeights.every((v, i) => v.equal(b.trainableWeights[i]).all().dataSync()[0] === 1);
    const differs = a.trainableWeights[0].equal(c.trainableWeights[0]).all().dataSync()[0] === 0;
    expect(same).toBe(true);
    expect(differs).toBe(true);
    expect(a.trainableWeights[0].abs().max().dataSync()[0]).toBeLessThanOrEqual(1 / Math.sqrt(16));
    [a, b, c].forEach((x) => x.dispose());
  });

  it('get/set weights round-trip and errors name the problem', () => {
    const a = createAdapter({ kind: 'conv1x1', inChannels: 2, outChannels: 3 }, 1);
    const b = createAdapter({ kind: 'conv1x1', inChannels: 2, outChannels: 3 }, 2);
    const w = a.getWeights();
    b.setWeights(w);
    expect(b.trainableWeights[0].equal(a.trainableWeights[0]).all().dataSync()[0]).toBe(1);
    expect(() => b.setWeights([w[1], w[0]])).toThrow(/weight 0 has shape \[3\], expected \[2,3\]/);
    expect(() => a.apply(tf.ones([1, 4]))).toThrow(/input has 4 channels/);
    expect(() => createAdapter({ kind: 'conv1x1', inChannels: 0, outChannels: 3 }, 1)).toThrow(/'inChannels' must be a positive integer, got 0/);
    tf.dispose(w);
    a.dispose();
    b.dispose();
  });
});
