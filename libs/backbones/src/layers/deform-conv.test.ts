import { Rng, tf } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor4D, Variable } from '@kdlab/engine';
import { DeformConv2D, bilinearGather } from './deform-conv';

function randomTensor(shape: number[], rng: Rng, scale = 1): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => scale * rng.normal()), shape);
}

function apply(layer: DeformConv2D, x: Tensor, off: Tensor): Tensor {
  return layer.apply([x, off]) as Tensor;
}

describe('DeformConv2D', () => {
  it('with zero offsets equals an ordinary same-padded convolution with its kernel and bias', () => {
    const rng = new Rng(1);
    for (const k of [1, 3, 5]) {
      const layer = new DeformConv2D({ filters: 4, kernelSize: k, seed: 3 });
      const x = randomTensor([2, 7, 9, 3], rng);
      const off = tf.zeros([2, 7, 9, 2 * k * k]);
      const y = apply(layer, x, off);
      const [kernel, bias] = layer.getWeights();
      const ref = tf.conv2d(x as Tensor4D, kernel as Tensor4D, 1, 'same').add(bias);
      expect(y.shape).toEqual([2, 7, 9, 4]);
      expect(tf.max(tf.abs(y.sub(ref))).dataSync()[0]).toBeLessThan(1e-5);
    }
  });

  it('an integer offset shifts where a tap reads (zero beyond the border)', () => {
    // A 1x1 deformable conv with kernel 1 and offset (dy, dx) = (1, -2) reads x[r + 1, c - 2].
    const layer = new DeformConv2D({ filters: 1, kernelSize: 1, useBias: false, seed: 0 });
    const x = tf.tensor(Float32Array.from({ length: 20 }, (_, i) => i + 1), [1, 4, 5, 1]);
    apply(layer, x, tf.zeros([1, 4, 5, 2]));
    layer.setWeights([tf.ones([1, 1, 1, 1])]);
    const off = tf.tensor([1, -2], [1, 1, 1, 2]).tile([1, 4, 5, 1]);
    const y = apply(layer, x, off).dataSync();
    const xs = x.dataSync();
    for (let r = 0; r < 4; r++) for (let c = 0; c < 5; c++) {
      const rr = r + 1;
      const cc = c - 2;
      const expected = rr < 4 && cc >= 0 ? xs[rr * 5 + cc] : 0;
      expect(y[r * 5 + c]).toBeCloseTo(expected, 5);
    }
  });

  it('bilinear sampling interpolates between the four neighbours', () => {
    const x = tf.tensor([1, 2, 3, 4], [1, 2, 2, 1]) as Tensor4D;
    const v = bilinearGather(x, tf.tensor([[[[0.25]]]]), tf.tensor([[[[0.5]]]])).dataSync()[0];
    // (1 - .25)((1 - .5)·1 + .5·2) + .25((1 - .5)·3 + .5·4)
    expect(v).toBeCloseTo(0.75 * 1.5 + 0.25 * 3.5, 6);
  });

  it('gradients w.r.t. features, offsets and kernel agree with central finite differences', () => {
    const rng = new Rng(9);
    const layer = new DeformConv2D({ filters: 2, kernelSize: 3, seed: 5 });
    const x = randomTensor([1, 5, 6, 2], rng);
    // Offsets kept away from integers, where bilinear interpolation has a kink.
    const offData = Float32Array.from({ length: 5 * 6 * 18 }, () => {
      const v = 1.6 * (rng.next() - 0.5);
      const frac = v - Math.floor(v);
      return frac < 0.15 || frac > 0.85 ? v + 0.3 : v;
    });
    const off = tf.tensor(offData, [1, 5, 6, 18]);
    apply(layer, x, off);
    const probe = randomTensor([1, 5, 6, 2], rng);
    const loss = (xx: Tensor, oo: Tensor) => apply(layer, xx, oo).mul(probe).sum();
    const grads = tf.grads((xx: Tensor, oo: Tensor) => loss(xx, oo) as Scalar)([x, off]);
    const kernel = layer.getWeights()[0];
    const { grads: wGrads } = tf.variableGrads(() => loss(x, off) as Scalar, [layer.trainableWeights[0].read() as Variable]);
    const gKernel = Object.values(wGrads)[0];

    const eps = 1e-2;
    const numeric = (f: (t: Tensor) => number, t: Tensor, i: number) => {
      const d = t.dataSync().slice();
      d[i] += eps;
      const up = f(tf.tensor(d, t.shape));
      d[i] -= 2 * eps;
      const down = f(tf.tensor(d, t.shape));
      return (up - down) / (2 * eps);
    };
    const check = (analytic: Tensor, f: (t: Tensor) => number, t: Tensor, picks: number[]) => {
      const a = analytic.dataSync();
      for (const i of picks) {
        const n = numeric(f, t, i);
        expect(Math.abs(a[i] - n)).toBeLessThan(2e-2 * Math.max(1, Math.abs(n)));
      }
    };
    const picks = (size: number) => Array.from({ length: 12 }, (_, j) => Math.floor(((j + 0.5) / 12) * size));
    check(grads[0], (t) => loss(t, off).dataSync()[0], x, picks(x.size));
    check(grads[1], (t) => loss(x, t).dataSync()[0], off, picks(off.size));
    // Kernel: perturb through setWeights.
    const bias = layer.getWeights()[1];
    check(gKernel, (t) => {
      layer.setWeights([t, bias]);
      const v = loss(x, off).dataSync()[0];
      layer.setWeights([kernel, bias]);
      return v;
    }, kernel, picks(kernel.size));
    // The offsets gradient is not trivially zero: sampling positions matter.
    expect(tf.max(tf.abs(grads[1])).dataSync()[0]).toBeGreaterThan(1e-3);
  });

  it('refuses offsets with the wrong channel count, naming the layer', () => {
    const layer = new DeformConv2D({ filters: 2, kernelSize: 3, name: 'dem.deform' });
    expect(() => layer.apply([tf.input({ shape: [8, 8, 4] }), tf.input({ shape: [8, 8, 9] })])).toThrow(/DeformConv2D dem\.deform: offsets need 18 channels/);
  });
});
