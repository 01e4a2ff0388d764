import { tf } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';
import { buildBackbone } from '../../backbone';
import { countParams } from '../../count';

describe('redcnn (CT denoiser)', () => {
  it('maps [N, H, W, 1] to [N, H, W, 1] for any size and exposes the tap names', () => {
    const m = buildBackbone({ arch: 'redcnn-tiny' }, 1);
    const y = m.predict(tf.zeros([2, 20, 12, 1])) as Tensor;
    expect(y.shape).toEqual([2, 20, 12, 1]);
    for (const name of ['enc1', 'enc5', 'bottleneck', 'dec1', 'dec3', 'output']) expect(m.getLayer(name).name).toBe(name);
  });

  it('with the dynamic enhancement module adds attention and a deformable conv, starting as a plain conv', () => {
    const plain = buildBackbone({ arch: 'redcnn', channels: 8 }, 3);
    const dem = buildBackbone({ arch: 'redcnn', channels: 8, dem: true }, 3);
    expect(dem.getLayer('dem.deform').getClassName()).toBe('DeformConv2D');
    expect(dem.getLayer('dem.att').name).toBe('dem.att');
    // Offsets are zero-initialised: the module begins with regular sampling.
    expect(tf.abs(dem.getLayer('dem.offsets').getWeights()[0]).max().dataSync()[0]).toBe(0);
    // 3x3x8x8 + 8 (deform) + 3x3x8x18 + 18 (offsets) + 8x2 + 2 + 2x8 + 8 (attention).
    expect(countParams(dem) - countParams(plain)).toBe(584 + 1314 + 18 + 24);
    const x = tf.randomUniform([1, 16, 16, 1], 0, 1, 'float32', 4);
    const g = tf.variableGrads(() => (dem.apply(x, { training: true }) as Tensor).square().mean() as Scalar);
    // Gradients reach the offsets conv through the deformable layer.
    const offsetKernel = Object.entries(g.grads).find(([k]) => k.includes('dem.offsets') && k.includes('kernel'));
    expect(offsetKernel).toBeDefined();
    expect(tf.abs(offsetKernel![1]).max().dataSync()[0]).toBeGreaterThan(0);
  });
});
