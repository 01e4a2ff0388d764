import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tf } from '@kdlab/engine';
import type { LayersModel, Tensor } from '@kdlab/engine';
import { buildBackbone, listBackbones } from './backbone';
import { loadGolden } from './golden-values';

function weightsEqual(a: LayersModel, b: LayersModel): boolean {
  const wa = a.getWeights();
  const wb = b.getWeights();
  return wa.length === wb.length && wa.every((w, i) => tf.tidy(() => w.equal(wb[i]).all().dataSync()[0] === 1));
}

describe('the backbone registry', () => {
  it('lists the architectures and the paper and tiny presets', () => {
    const { architectures, presets } = listBackbones();
    expect(architectures).toEqual(expect.arrayContaining(['edsr', 'rcan']));
    const names = presets.map((p) => p.name);
    for (const n of ['edsr-paper-teacher', 'edsr-paper-student', 'rcan-paper-teacher', 'rcan-paper-student', 'edsr-tiny-teacher', 'edsr-tiny-student', 'rcan-tiny-teacher', 'rcan-tiny-student']) {
      expect(names).toContain(n);
    }
  });

  it('errors name the backbone, the field and the value', () => {
    expect(() => buildBackbone({ arch: 'edsr', scale: 5, blocks: 2, channels: 8 }, 0)).toThrow(/backbone 'edsr': option 'scale'.*got 5/);
    expect(() => buildBackbone({ arch: 'edsr', scale: 2, blocks: 'two', channels: 8 }, 0)).toThrow(/option 'blocks'.*got "two"/);
    expect(() => buildBackbone({ arch: 'edsr-tiny-student', scale: 2, blocs: 3 }, 0)).toThrow(/edsr-tiny-student' \(edsr\).*Unrecognized key.*'blocs'/);
    expect(() => buildBackbone({ arch: 'rcan', scale: 2, groups: 1, blocks: 1, channels: 4, reduction: 8 }, 0)).toThrow(/option 'reduction'/);
    expect(() => buildBackbone({ arch: 'vdsr', scale: 2 }, 0)).toThrow(/unknown backbone 'vdsr'.*edsr.*rcan/);
  });

  it('preset options can be overridden', () => {
    const m = buildBackbone({ arch: 'edsr-tiny-student', scale: 2, blocks: 1 }, 0);
    expect(m.layers.filter((l) => /^body\.block\d+$/.test(l.name))).toHaveLength(1);
    m.dispose();
  });

  it('the same seed gives identical weights, another seed different ones', () => {
    const spec = { arch: 'rcan-tiny-student', scale: 2 };
    const [a, b, c] = [buildBackbone(spec, 7), buildBackbone(spec, 7), buildBackbone(spec, 8)];
    expect(weightsEqual(a, b)).toBe(true);
    expect(weightsEqual(a, c)).toBe(false);
    [a, b, c].forEach((m) => m.dispose());
  });
});

describe('EDSR and RCAN', () => {
  it.each([
    ['edsr-tiny-student', ['sub_mean', 'head', 'body.block0', 'body.block3', 'body.conv', 'body', 'upsample', 'tail', 'add_mean']],
    ['edsr-tiny-teacher', ['body.block0.conv1', 'body.block0.conv2', 'body.block0.scale', 'body.block7', 'body']],
    ['rcan-tiny-student', ['head', 'body.group0', 'body.group1', 'body.group0.block1', 'body.group0.block1.ca', 'body', 'upsample', 'tail']],
  ])('%s has the documented tap names', (arch, names) => {
    const m = buildBackbone({ arch, scale: 4 }, 0);
    for (const n of names) expect(m.getLayer(n).name).toBe(n);
    expect(m.outputs[0].sourceLayer.name).toBe('add_mean');
    m.dispose();
  });

  it.each(loadGolden().forward.map((c) => [c.name, c] as const))('%s reproduces the PyTorch forward pass with the same weights', (_n, c) => {
    const { arch, ...opts } = c.options;
    const model = buildBackbone({ arch, ...opts }, 0);
    for (const [name, w] of Object.entries(c.weights)) {
      model.getLayer(name).setWeights([tf.tensor(w.kernel_hwio, w.kernel_hwio_shape), tf.tensor1d(w.bias)]);
    }
    const trainable = model.layers.filter((l) => l.getWeights().length > 0).map((l) => l.name);
    expect(trainable.sort()).toEqual(Object.keys(c.weights).sort());
    const y = model.predict(tf.tensor(c.input, c.input_shape)) as Tensor;
    expect(y.shape).toEqual(c.output_shape);
    const want = tf.tensor(c.output, c.output_shape);
    const err = tf.tidy(() => y.sub(want).abs().max().dataSync()[0] / want.abs().max().dataSync()[0]);
    expect(err).toBeLessThan(1e-5);
    tf.dispose([y, want]);
    model.dispose();
  });

  it.each(['edsr-tiny-student', 'rcan-tiny-student'])('%s: forward/backward on the tensorflow backend gives finite gradients for every weight', (arch) => {
    expect(tf.getBackend()).toBe('tensorflow');
    const model = buildBackbone({ arch, scale: 2 }, 3);
    const x = tf.randomUniform([2, 8, 6, 3], 0, 1, 'float32', 1);
    const target = tf.randomUniform([2, 16, 12, 3], 0, 1, 'float32', 2);
    const { value, grads } = tf.variableGrads(() => (model.apply(x, { training: true }) as Tensor).sub(target).abs().mean().asScalar());
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    expect(Object.keys(grads)).toHaveLength(model.trainableWeights.length);
    for (const g of Object.values(grads)) {
      expect(Number.isFinite(g.abs().sum().dataSync()[0])).toBe(true);
    }
    expect(Object.values(grads).some((g) => g.abs().max().dataSync()[0] > 0)).toBe(true);
    tf.dispose([x, target, value, ...Object.values(grads)]);
    model.dispose();
  });

  it('a model with every custom layer saves and loads with the same outputs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-backbone-'));
    try {
      for (const spec of [{ arch: 'edsr', scale: 3, blocks: 1, channels: 8, resScale: 0.1 }, { arch: 'rcan', scale: 2, groups: 1, blocks: 1, channels: 8, reduction: 4, resScale: 0.5 }]) {
        const model = buildBackbone(spec, 5);
        const classes = new Set(model.layers.map((l) => l.getClassName()));
        for (const c of ['MeanShift', 'PixelShuffle', 'DepthToSpaceConv2D', 'Scale']) expect(classes).toContain(c);
        const file = path.join(dir, spec.arch);
        await model.save(`file://${file}`);
        const loaded = await tf.loadLayersModel(`file://${file}/model.json`);
        const x = tf.randomUniform([1, 5, 4, 3], 0, 1, 'float32', 9);
        const [a, b] = [model.predict(x) as Tensor, loaded.predict(x) as Tensor];
        expect(b.shape).toEqual(a.shape);
        expect(a.sub(b).abs().max().dataSync()[0]).toBe(0);
        expect(loaded.getLayer('body').name).toBe('body');
        tf.dispose([x, a, b]);
        model.dispose();
        loaded.dispose();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
