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
