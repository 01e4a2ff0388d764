import { Rng, tf } from '@kdlab/engine';
import type { LayersModel, Scalar, Tensor, Tensor4D, Variable } from '@kdlab/engine';
import { buildBackbone } from '../backbone';
import { countMacs, countParams } from '../count';
import { torchConvInit } from '../init';
import { PixelShuffle, pixelShuffle } from './pixel-shuffle';
import { DepthToSpaceConv2D, shuffledConv, toDepthToSpaceOrder } from './shuffle-conv';

// The reference everywhere is what the upsampler computed before: tfjs' Conv2D followed by
// the reshape/transpose pixelShuffle (pinned to torch.nn.PixelShuffle by pixel-shuffle.test.ts).

/** max |a - b| / max(max |b|, 1): one relative tolerance per tensor. */
function relErr(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(tf.max(tf.abs(b)).dataSync()[0], 1));
}

/** conv (cin -> C*r^2, 3x3, seeded as the upsampler seeds it) + shuffle, old or new layers. */
function convShuffle(kind: 'reference' | 'depthToSpace', cin: number, c: number, r: number, seed: number): LayersModel {
  const rng = new Rng(seed);
  const args = { name: 'up.conv', filters: c * r * r, kernelSize: 3, padding: 'same' as const, useBias: true, ...torchConvInit(rng, cin, 3) };
  const input = tf.input({ shape: [null, null, cin] });
  const conv = kind === 'reference' ? tf.layers.conv2d(args) : new DepthToSpaceConv2D({ ...args, shuffleScale: r });
  const shuffle = new PixelShuffle({ name: 'up', scale: r, inputOrder: kind === 'reference' ? 'pytorch' : 'depthToSpace' });
  return tf.model({ inputs: input, outputs: shuffle.apply(conv.apply(input)) as ReturnType<typeof tf.input> });
}

function sameWeights(a: LayersModel, b: LayersModel): void {
  const [wa, wb] = [a.weights, b.weights];
  expect(wb.map((w) => [w.originalName, w.shape])).toEqual(wa.map((w) => [w.originalName, w.shape]));
  wa.forEach((w, i) => expect(relErr(wb[i].read(), w.read())).toBe(0));
}

describe('DepthToSpaceConv2D + PixelShuffle(depthToSpace)', () => {
  for (const r of [2, 3]) {
    it(`initialises the same weights (names, shapes, values) as Conv2D and computes the same output and gradients (r = ${r})`, () => {
      const [cin, c] = [5, 3];
      const ref = convShuffle('reference', cin, c, r, 11);
      const fast = convShuffle('depthToSpace', cin, c, r, 11);
      sameWeights(ref, fast);
      expect(fast.weights.map((w) => w.originalName)).toEqual(['up.conv/kernel', 'up.conv/bias']);
      // Random (non-initial) weights, the same in both models.
      tf.tidy(() => {
        const kernel = tf.randomNormal([3, 3, cin, c * r * r], 0, 1, 'float32', 21);
        const bias = tf.randomNormal([c * r * r], 0, 1, 'float32', 22);
        ref.getLayer('up.conv').setWeights([kernel, bias]);
        fast.getLayer('up.conv').setWeights([kernel, bias]);
        const x = tf.randomNormal([2, 4, 5, cin], 0, 1, 'float32', 23) as Tensor4D;
        const yRef = ref.apply(x) as Tensor;
        const yFast = fast.apply(x) as Tensor;
        expect(yFast.shape).toEqual([2, 4 * r, 5 * r, c]);
        expect(relErr(yFast, yRef)).toBeLessThanOrEqual(1e-6);

        // Gradients of a non-uniformly weighted loss wrt the input and both weights.
        const w = tf.randomNormal(yRef.shape, 0, 1, 'float32', 24);
        const grads = (m: LayersModel) => {
          const vars = m.trainableWeights.map((v) => v.read() as Variable);
          const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.mul(m.apply(x) as Tensor, w)) as Scalar, vars);
          value.dispose();
          return vars.map((v) => g[v.name]);
        };
        const [gk, gb] = grads(fast);
        const [gkRef, gbRef] = grads(ref);
        expect(relErr(gk, gkRef)).toBeLessThan(1e-5);
        expect(relErr(gb, gbRef)).toBeLessThan(1e-5);
        const gx = tf.grad((t: Tensor) => tf.sum(tf.mul(fast.apply(t) as Tensor, w)))(x);
        const gxRef = tf.grad((t: Tensor) => tf.sum(tf.mul(ref.apply(t) as Tensor, w)))(x);
        expect(relErr(gx, gxRef)).toBeLessThan(1e-5);
        expect(tf.max(tf.abs(gk)).dataSync()[0]).toBeGreaterThan(0);
      });
      // The conv's own output (the tap) is the reference conv output with channels in DepthToSpace order.
      tf.tidy(() => {
        const x = tf.randomNormal([1, 3, 3, cin], 0, 1, 'float32', 25);
        const tapOf = (m: LayersModel) => tf.model({ inputs: m.inputs, outputs: m.getLayer('up.conv').output as ReturnType<typeof tf.input> }).predict(x) as Tensor;
        const tapFast = tapOf(fast);
        expect(relErr(tapFast, toDepthToSpaceOrder(tapOf(ref), r))).toBeLessThanOrEqual(1e-6);
        expect(relErr(tf.depthToSpace(tapFast as Tensor4D, r), pixelShuffle(tapOf(ref), r))).toBeLessThanOrEqual(1e-6);
      });
      ref.dispose();
      fast.dispose();
    });
  }

  it('toDepthToSpaceOrder moves PyTorch channel c*r^2 + s to s*C + c', () => {
    // C = 2, r = 2: PyTorch order [c0s0 c0s1 c0s2 c0s3 c1s0 ...] -> [c0s0 c1s0 c0s1 c1s1 ...].
    const v = tf.tensor1d([0, 1, 2, 3, 10, 11, 12, 13]);
    expect(Array.from(toDepthToSpaceOrder(v, 2).dataSync())).toEqual([0, 10, 1, 11, 2, 12, 3, 13]);
    const k = tf.reshape(tf.range(0, 16), [1, 1, 2, 8]);
    expect(Array.from(toDepthToSpaceOrder(k, 2).dataSync())).toEqual([0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15]);
    expect(() => toDepthToSpaceOrder(tf.zeros([6]), 2)).toThrow(/last axis 6 .* r\^2 = 4/);
    tf.dispose([v, k]);
  });

  it('counts the same MACs and parameters as Conv2D', () => {
    const [ref, fast] = [convShuffle('reference', 4, 2, 3, 1), convShuffle('depthToSpace', 4, 2, 3, 1)];
    expect(countMacs(fast, [7, 5])).toBe(countMacs(ref, [7, 5]));
    expect(countMacs(fast, [7, 5])).toBe(7 * 5 * 9 * 4 * 18);
    expect(countParams(fast)).toBe(countParams(ref));
    ref.dispose();
    fast.dispose();
  });

  it('round-trips through model JSON (className DepthToSpaceConv2D, shuffleScale, inputOrder) and rejects bad arguments by name', async () => {
    const model = convShuffle('depthToSpace', 4, 2, 2, 3);
    // The topology as model.save writes it (a JSON string), parsed back.
    const topology = JSON.parse(model.toJSON() as string);
    const loaded = await tf.models.modelFromJSON({ modelTopology: topology });
    const [conv, shuffle] = [loaded.getLayer('up.conv'), loaded.getLayer('up')];
    expect(conv.getClassName()).toBe('DepthToSpaceConv2D');
    expect(conv.getConfig()).toEqual(model.getLayer('up.conv').getConfig());
    expect(conv.getConfig().shuffleScale).toBe(2);
    expect(shuffle.getConfig().inputOrder).toBe('depthToSpace');
    loaded.setWeights(model.getWeights());
    tf.tidy(() => {
      const x = tf.randomNormal([1, 3, 4, 4], 0, 1, 'float32', 2);
      expect(relErr(loaded.predict(x) as Tensor, model.predict(x) as Tensor)).toBe(0);
    });
    model.dispose();
    loaded.dispose();
    expect(() => new DepthToSpaceConv2D({ name: 'u', filters: 10, kernelSize: 3, shuffleScale: 2 })).toThrow(/u: filters 10 .* shuffleScale\^2 = 4/);
    expect(() => new DepthToSpaceConv2D({ name: 'u', filters: 12, kernelSize: 3, shuffleScale: 2, activation: 'relu' })).toThrow(/u: activation must be linear/);
    expect(() => new PixelShuffle({ name: 'p', scale: 2, inputOrder: 'nchw' as 'pytorch' })).toThrow(/p: inputOrder must be 'pytorch' or 'depthToSpace', got nchw/);
  });
});

describe('shuffledConv (functional conv + pixel shuffle: MRDA-MLN, ISRD, FSR)', () => {
  for (const r of [2, 3]) {
    it(`equals pixelShuffle(conv) with gradients wrt input and weights, one DepthToSpace kernel (r = ${r})`, async () => {
      const [cin, c] = [4, 2];
      const x = tf.randomNormal([2, 3, 4, cin], 0, 1, 'float32', 31) as Tensor4D;
      const k = tf.randomNormal([3, 3, cin, c * r * r], 0, 1, 'float32', 32);
      const b = tf.randomNormal([c * r * r], 0, 1, 'float32', 33);
      const w = tf.randomNormal([2, 3 * r, 4 * r, c], 0, 1, 'float32', 34);
      const conv = (t: Tensor) => (kk: Tensor, bb: Tensor) => tf.conv2d(t as Tensor4D, kk as Tensor4D, 1, 'same').add(bb);
      const fast = (t: Tensor, kk: Tensor, bb: Tensor) => tf.sum(tf.mul(shuffledConv(conv(t), [kk, bb], r), w));
      const ref = (t: Tensor, kk: Tensor, bb: Tensor) => tf.sum(tf.mul(pixelShuffle(conv(t)(kk, bb), r), w));
      tf.tidy(() => {
        expect(relErr(shuffledConv(conv(x), [k, b], r), pixelShuffle(conv(x)(k, b), r))).toBeLessThanOrEqual(1e-6);
        const g = tf.grads(fast)([x, k, b]);
        const gRef = tf.grads(ref)([x, k, b]);
        g.forEach((gi, i) => expect(relErr(gi, gRef[i])).toBeLessThan(1e-5));
      });
      const profile = await tf.profile(() => shuffledConv(conv(x), [k, b], r));
      expect(profile.kernelNames).toContain('DepthToSpace');
      tf.dispose([x, k, b, w]);
    });
  }
});

describe('upsampler models keep their weights and outputs (cached teachers, checkpoints)', () => {
  // The old implementation is the plain Conv2D + transpose PixelShuffle, which KDLAB_DEPTH_TO_SPACE=0 builds.
  function buildOld(spec: Record<string, unknown>, seed: number): LayersModel {
    const saved = process.env.KDLAB_DEPTH_TO_SPACE;
    process.env.KDLAB_DEPTH_TO_SPACE = '0';
    try {
      return buildBackbone(spec as { arch: string }, seed);
    } finally {
      if (saved === undefined) delete process.env.KDLAB_DEPTH_TO_SPACE;
      else process.env.KDLAB_DEPTH_TO_SPACE = saved;
    }
  }

  it.each([
    ['edsr-tiny-student x2', { arch: 'edsr-tiny-student', scale: 2 }, [6, 5], 'upsample.conv0'],
    ['edsr-tiny-student x3', { arch: 'edsr-tiny-student', scale: 3 }, [6, 5], 'upsample.conv0'],
    ['edsr-tiny-student x4', { arch: 'edsr-tiny-student', scale: 4 }, [6, 5], 'upsample.conv0'],
    ['efdn x3 (tail)', { arch: 'efdn', scale: 3, channels: 8 }, [16, 15], 'tail.conv'],
  ] as const)('%s: same initial weights per seed, same output with random weights', (_label, spec, [h, w], convName) => {
    const scale = spec.scale;
    const fresh = buildBackbone(spec, 5);
    const old = buildOld(spec, 5);
    expect(fresh.getLayer(convName).getClassName()).toBe('DepthToSpaceConv2D');
    expect(old.getLayer(convName).getClassName()).toBe('Conv2D');
    sameWeights(old, fresh);
    expect(fresh.layers.map((l) => l.name)).toEqual(old.layers.map((l) => l.name));
    expect(countMacs(fresh, [h, w])).toBe(countMacs(old, [h, w]));
    // Random weights everywhere (a trained teacher is not at its initialisation), set by name.
    const values = old.weights.map((w, i) => tf.randomNormal(w.shape as number[], 0, 0.1, 'float32', 100 + i));
    old.setWeights(values);
    fresh.setWeights(values);
    const x = tf.randomUniform([2, h, w, 3], 0, 1, 'float32', 7);
    const [yOld, yNew] = [old.predict(x) as Tensor, fresh.predict(x) as Tensor];
    expect(yNew.shape).toEqual([2, h * scale, w * scale, 3]);
    expect(relErr(yNew, yOld)).toBeLessThanOrEqual(1e-6);
    tf.dispose([...values, x, yOld, yNew]);
    fresh.dispose();
    old.dispose();
  });
});
