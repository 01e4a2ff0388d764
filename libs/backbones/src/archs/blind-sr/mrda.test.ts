// MRDA: shapes and sizes, the MLN's bicubic skip, and the inner loop's gradients (first-order
// MAML, as the released stage 2; TF.js cannot differentiate a conv's filter gradient, so second
// order is not available: the last test pins that).
import { tf } from '@kdlab/engine';
import type { LayersModel, Scalar, SymbolicTensor, Tensor, Tensor4D, Variable } from '@kdlab/engine';
import { imresizeBicubic } from '@kdlab/data';
import { buildBackbone } from '../../backbone';
import { countParams } from '../../count';
import '../../index';
import { adaptMln, bicubicUpsample, mlnForward, mlnWeightShapes, MlnAdapt } from './mrda-mln';

const tiny = { arch: 'mrda', scale: 4, channels: 4, blocks: 1, mlnChannels: 3, innerSteps: 2 };

function tinyMln(seed: number): { w: Tensor[]; lr: Tensor; hr: Tensor } {
  const w = mlnWeightShapes(2, 2).map((s, i) => tf.randomNormal(s.shape, 0, 0.6, 'float32', seed + i));
  const lr = tf.randomUniform([1, 3, 3, 3], 0, 1, 'float32', seed + 100);
  const hr = tf.randomUniform([1, 6, 6, 3], 0, 1, 'float32', seed + 101);
  return { w, lr, hr };
}

const innerLoss = (lr: Tensor, hr: Tensor) => (...ws: Tensor[]) => mlnForward(lr, bicubicUpsample(lr, 2), ws, 2).sr.sub(hr).abs().mean() as Scalar;

/** Central finite difference of f along one element of weight k. */
function finiteDifference(f: (w: Tensor[]) => number, w: Tensor[], k: number, index: number, eps = 1e-3): number {
  const shift = (d: number) => w.map((v, j) => (j === k ? tf.tidy(() => { const a = v.dataSync().slice(); a[index] += d; return tf.tensor(a, v.shape); }) : v));
  const plus = shift(eps);
  const minus = shift(-eps);
  const r = (f(plus) - f(minus)) / (2 * eps);
  tf.dispose([plus[k], minus[k]]);
  return r;
}

describe('MRDA backbone', () => {
  it('released sizes: MRDA_S (DEN on LR + RDAN 27 x 64) and MRDA_T (+ MLN 128, DEN on its features)', () => {
    const s = buildBackbone({ arch: 'mrda-s', scale: 4 }, 0);
    const t = buildBackbone({ arch: 'mrda-t', scale: 4 }, 0);
    // Counted by hand from the released modules (README): DEN_st 1 276 992 + RDAN 4 561 721; the teacher's
    // MLN adds 2 073 219 and its DEN's first conv reads 128 channels instead of 3.
    expect(countParams(s)).toBe(5838713);
    expect(countParams(t) - countParams(s)).toBe(2073219 + (128 - 3) * 9 * 64);
    s.dispose();
    t.dispose();
  });

  it('teacher reads LR ⊕ PixelUnshuffle(HR) (51 channels), student LR only; both x4 RGB; the student shares every weight but the DEN and MLN', () => {
    const teacher = buildBackbone({ ...tiny, role: 'teacher' }, 0);
    const student = buildBackbone({ ...tiny, role: 'student' }, 0);
    expect(teacher.inputs[0].shape).toEqual([null, null, null, 51]);
    expect(student.inputs[0].shape).toEqual([null, null, null, 3]);
    const out = student.predict(tf.zeros([2, 8, 6, 3])) as Tensor;
    expect(out.shape).toEqual([2, 32, 24, 3]);
    const tOut = teacher.predict(tf.randomUniform([2, 8, 6, 51], 0, 1, 'float32', 1)) as Tensor;
    expect(tOut.shape).toEqual([2, 32, 24, 3]);
    const shared = (m: LayersModel) => m.weights.map((w) => w.originalName).filter((n) => !n.startsWith('den.') && !n.startsWith('mln'));
    expect(shared(teacher)).toEqual(shared(student));
    expect(student.weights.some((w) => w.originalName.startsWith('mln'))).toBe(false);
    tf.dispose([out, tOut]);
  });

  it('the HR view reaches the DEN through the adapted MLN: another HR, other MLN features; the same HR, the same ones', () => {
    // At PyTorch-default init and the released inner step sizes (1e-2, 5e-3) the adaptation moves the
    // features little (about 1e-4 of their size here); the released MLN is pretrained before (README).
    const t = buildBackbone({ ...tiny, role: 'teacher' }, 3);
    const taps = tf.model({ inputs: t.inputs, outputs: t.getLayer('mln').output as SymbolicTensor });
    const lr = tf.randomUniform([1, 6, 6, 3], 0, 1, 'float32', 4);
    const hr = tf.randomUniform([1, 6, 6, 48], 0, 1, 'float32', 6);
    const a = taps.predict(tf.concat([lr, tf.zeros([1, 6, 6, 48])], 3)) as Tensor;
    const b = taps.predict(tf.concat([lr, hr], 3)) as Tensor;
    const c = taps.predict(tf.concat([lr, hr], 3)) as Tensor;
    expect(a.sub(b).abs().max().dataSync()[0]).toBeGreaterThan(1e-6);
    expect(b.sub(c).abs().max().dataSync()[0]).toBe(0);
    tf.dispose([lr, hr, a, b, c]);
  });

  it('trainSr: false leaves only the DEN trainable', () => {
    const m = buildBackbone({ ...tiny, role: 'student', trainSr: false }, 0);
    const names = m.trainableWeights.map((w) => w.originalName);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n.startsWith('den.'))).toBe(true);
  });

  it('the MLN skip is MATLAB bicubic: equals libs/data imresizeBicubic x4 within one grey level (it rounds between passes)', () => {
    // Values in [50, 200] with moderate steps, so the uint8 reference never clips between its passes.
    const data = Uint8Array.from({ length: 7 * 5 * 3 }, (_, i) => 125 + Math.round(75 * Math.sin(i * 0.7)));
    const ref = imresizeBicubic({ data, height: 7, width: 5, channels: 3 }, 4);
    const got = bicubicUpsample(tf.tensor4d(Float32Array.from(data), [1, 7, 5, 3]), 4);
    expect(got.shape).toEqual([1, 28, 20, 3]);
    const diff = got.round().clipByValue(0, 255).sub(tf.tensor4d(Float32Array.from(ref.data), [1, 28, 20, 3])).abs().max().dataSync()[0];
    expect(diff).toBeLessThanOrEqual(1);
    got.dispose();
  });
});

describe('MRDA inner loop (MAML)', () => {
  it('the inner-loop gradient equals finite differences of the L1 on a tiny MLN', () => {
    const { w, lr, hr } = tinyMln(10);
    const f = innerLoss(lr, hr);
    const g = tf.grads(f)(w);
    const value = (ws: Tensor[]) => tf.tidy(() => f(...ws).dataSync()[0]);
    for (const [k, index] of [[0, 5], [2, 17], [13, 0], [14, 40], [15, 1]] as const) {
      const fd = finiteDifference(value, w, k, index);
      expect(Math.abs(fd)).toBeGreaterThan(1e-2); // entries large enough for float32 differences to mean something
      expect(Math.abs(g[k].dataSync()[index] - fd)).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)) + 2e-4);
    }
    tf.dispose([...w, ...g, lr, hr]);
  });

  it('first-order MAML: the meta-gradient is the gradient at the adapted weights (finite differences there), not of the whole inner loop', () => {
    const { w, lr, hr } = tinyMln(20);
    const lrs = [0.01, 0.01];
    const f = innerLoss(lr, hr);
    const value = (ws: Tensor[]) => tf.tidy(() => f(...ws).dataSync()[0]);
    const adapted = adaptMln(lr, hr, w, 2, lrs, true);
    // The adaptation lowered the L1.
    expect(adapted.adaptedLoss).toBeLessThan(value(w));
    // The adapted weights, replayed by hand.
    let fast = w;
    for (const a of lrs) {
      const g = tf.grads(f)(fast);
      fast = fast.map((v, k) => v.sub(g[k].mul(a)));
    }
    const adaptedValue = (ws: Tensor[]) => tf.tidy(() => {
      let fw = ws;
      for (const a of lrs) {
        const g = tf.grads(f)(fw);
        fw = fw.map((v, k) => v.sub(g[k].mul(a)));
      }
      return f(...fw).dataSync()[0];
    });
    let largestGap = 0;
    for (const [k, index] of [[2, 3], [2, 30], [4, 7], [0, 12]] as const) {
      const firstOrder = finiteDifference(value, fast, k, index);
      expect(Math.abs(adapted.metaGradient![k].dataSync()[index] - firstOrder)).toBeLessThan(2e-3 * Math.max(1, Math.abs(firstOrder)) + 2e-4);
      expect(Math.abs(firstOrder)).toBeGreaterThan(1e-2);
      largestGap = Math.max(largestGap, Math.abs(adapted.metaGradient![k].dataSync()[index] - finiteDifference(adaptedValue, w, k, index)));
    }
    // The full (second-order) derivative of the post-adaptation loss differs: the code is first order.
    expect(largestGap).toBeGreaterThan(1e-3);
    tf.dispose([...w, lr, hr, adapted.features, ...adapted.metaGradient!]);
  });

  it('a batch adapts as its images one by one (per-image weights through im2col + batched matMul)', () => {
    const { w } = tinyMln(30);
    const lr = tf.randomUniform([2, 3, 4, 3], 0, 1, 'float32', 31);
    const hr = tf.randomUniform([2, 6, 8, 3], 0, 1, 'float32', 32);
    const both = adaptMln(lr, hr, w, 2, [0.01, 0.01], true);
    const one = [0, 1].map((i) => adaptMln(lr.slice([i], [1]), hr.slice([i], [1]), w, 2, [0.01, 0.01], true));
    const maxDiff = (a: Tensor, b: Tensor) => a.sub(b).abs().max().dataSync()[0];
    expect(maxDiff(both.features, tf.concat(one.map((o) => o.features), 0))).toBeLessThan(1e-4);
    both.metaGradient!.forEach((g, k) => expect(maxDiff(g, one[0].metaGradient![k].add(one[1].metaGradient![k]).div(2))).toBeLessThan(1e-4 * Math.max(1, g.abs().max().dataSync()[0])));
    expect(both.adaptedLoss).toBeCloseTo((one[0].adaptedLoss + one[1].adaptedLoss) / 2, 5);
    // The two images moved apart: each adapted to its own pair.
    expect(maxDiff(one[0].features, one[1].features)).toBeGreaterThan(1e-3);
    tf.dispose([...w, lr, hr]);
  });

  it('in training, the MLN layer gives its weights the first-order meta-gradient and nothing to its inputs', () => {
    const layer = new MlnAdapt({ name: 'mln', channels: 2, scale: 2, innerLrs: [0.05], seed: 3 });
    const lr = tf.randomUniform([2, 3, 3, 3], 0, 1, 'float32', 7);
    const hr = tf.randomUniform([2, 6, 6, 3], 0, 1, 'float32', 8);
    layer.apply([tf.input({ shape: [3, 3, 3] }), tf.input({ shape: [6, 6, 3] })]);
    const expected = adaptMln(lr, hr, layer.weights.map((v) => v.read()), 2, [0.05], true);
    const vars = layer.weights.map((v) => v.read() as Variable);
    const { grads } = tf.variableGrads(() => (layer.call([lr, hr], { training: true }) as Tensor).mul(100).sum() as Scalar, vars);
    vars.forEach((v, k) => expect(grads[v.name].sub(expected.metaGradient![k]).abs().max().dataSync()[0]).toBeLessThan(1e-6));
    // The features are not a function of the images under autodiff (detached copies feed the inner loop).
    expect(() => tf.grads((x: Tensor) => (layer.call([x, hr], { training: true }) as Tensor).sum())([lr])).toThrow(/Cannot compute gradient/);
    tf.dispose([lr, hr, expected.features, ...expected.metaGradient!, ...Object.values(grads)]);
  });

  it('second order is not available in TF.js: a gradient of a conv filter gradient throws', () => {
    const x = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 1) as Tensor4D;
    const secondOrder = () => tf.grad((k: Tensor) => tf.grads((k2: Tensor) => tf.conv2d(x, k2 as Tensor4D, 1, 'same').square().sum() as Scalar)([k])[0].sum() as Scalar)(tf.ones([3, 3, 2, 2]));
    expect(secondOrder).toThrow(/Conv2DBackpropFilter/);
    x.dispose();
  });
});
