import { tf } from '@kdlab/engine';
import type { SymbolicTensor } from '@kdlab/engine';
import { buildBackbone } from './backbone';
import { countFlops, countMacs, countParams } from './count';
import { loadGolden } from './golden-values';

// Expected counts: PyTorch EDSR/RCAN modules written independently in
// golden/gen_backbones.py; parameters = learnable tensors (the frozen mean-shift
// constants excluded), MACs = conv MACs measured with forward hooks.
const golden = loadGolden().counts;
// The paper-size models take ~1 s each to initialise: check them at x4 only;
// the smaller ones at every scale (which covers the x2/x3/x4 upsamplers).
const cases = golden.filter((c) => c.scale === 4 || !c.arch.endsWith('paper-teacher'));

describe('countParams / countMacs against PyTorch', () => {
  it.each(cases.map((c) => [c.arch, c.scale, c] as const))('%s x%i', (_a, _s, c) => {
    const model = buildBackbone({ arch: c.arch, scale: c.scale }, 0);
    expect(countParams(model)).toBe(c.params);
    expect(countMacs(model, c.input_hw)).toBe(c.macs);
    expect(countFlops(model, c.input_hw)).toBe(2 * c.macs);
    model.dispose();
  });

  it('gives the published sizes: EDSR-baseline x4 ~1.52M, EDSR x4 ~43.1M, RCAN x4 ~15.6M parameters', () => {
    const at = (arch: string) => golden.find((c) => c.arch === arch && c.scale === 4)!.params;
    expect(at('edsr-paper-student') / 1e6).toBeCloseTo(1.52, 2);
    expect(at('edsr-paper-teacher') / 1e6).toBeCloseTo(43.09, 2);
    expect(at('rcan-paper-teacher') / 1e6).toBeCloseTo(15.59, 2);
  });

  it('MACs grow with the input area', () => {
    const model = buildBackbone({ arch: 'edsr-tiny-student', scale: 2 }, 0);
    expect(countMacs(model, [12, 10])).toBe(4 * countMacs(model, [6, 5]));
    model.dispose();
  });
});

describe('countMacs on other layer types (used by classification backbones)', () => {
  it('counts strided, depthwise, separable, transposed convolutions and dense layers by hand', () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const apply = (layer: { apply(x: SymbolicTensor): unknown }, x: SymbolicTensor) => layer.apply(x) as SymbolicTensor;
    let x = apply(tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }), input); // 4x4x4: 16*9*3*4 = 1728
    x = apply(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }), x); // 4x4x8: 16*9*8 = 1152
    x = apply(tf.layers.separableConv2d({ filters: 5, kernelSize: 3, padding: 'valid' }), x); // 2x2x5: 4*9*8 + 4*8*5 = 448
    x = apply(tf.layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2 }), x); // from 2x2x5: 4*4*5*2 = 160
    x = apply(tf.layers.globalAveragePooling2d({}), x);
    x = apply(tf.layers.dense({ units: 7 }), x); // 2*7 = 14
    const model = tf.model({ inputs: input, outputs: x });
    expect(countMacs(model, [8, 8])).toBe(1728 + 1152 + 448 + 160 + 14);
    model.dispose();
  });
});
