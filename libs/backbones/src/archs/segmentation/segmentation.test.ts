// The segmentation backbones: output = input size with numClasses channels, the
// shared tap names at their strides, and the trainable atrous convolution equal to
// TF's own dilated convolution (forward; TF.js has no gradient for the latter).
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D } from '@kdlab/engine';
import { buildBackbone } from '../../backbone';
import { countFlops, countParams } from '../../count';
import { AtrousConv2D } from '../../layers/atrous-conv';

const TAPS: Record<string, number> = { enc1: 2, enc2: 4, enc3: 8, dec2: 4, dec1: 2 };

describe('segmentation backbones', () => {
  it.each(['unet-aspp-16', 'mobilenetv2-unet-half', 'enet-small'])('%s: logits at input size, taps at their strides, a gradient step', (arch) => {
    const model = buildBackbone({ arch }, 3);
    const x = tf.randomUniform([2, 48, 64, 3]);
    expect((model.predict(x) as Tensor).shape).toEqual([2, 48, 64, 2]);
    for (const [tap, stride] of Object.entries(TAPS)) {
      const layer = model.getLayer(tap);
      const sub = tf.model({ inputs: model.inputs, outputs: layer.output as never });
      const y = sub.predict(x) as Tensor;
      expect({ tap, hw: y.shape.slice(1, 3) }).toEqual({ tap, hw: [48 / stride, 64 / stride] });
    }
    // Dilated layers must train: one gradient through the whole model is finite and non-zero.
    const g = tf.grad((inp: Tensor) => (model.apply(inp, { training: true }) as Tensor).square().mean())(x);
    expect(Number.isFinite(g.abs().sum().dataSync()[0])).toBe(true);
    expect(g.abs().sum().dataSync()[0]).toBeGreaterThan(0);
    expect(countParams(model)).toBeGreaterThan(1000);
    expect(countFlops(model, [48, 64])).toBeGreaterThan(0);
  });

  it('students are much smaller than the teacher', () => {
    const t = countParams(buildBackbone({ arch: 'unet-aspp-16' }, 1));
    for (const s of ['mobilenetv2-unet-half', 'enet-small']) expect(countParams(buildBackbone({ arch: s }, 1))).toBeLessThan(t / 10);
  });

  it.each([[2, [3, 3]], [4, [3, 3]], [2, [5, 1]]] as const)('AtrousConv2D rate %d kernel %j equals a dilated conv2d, and counts its MACs', (rate, k) => {
    const layer = new AtrousConv2D({ filters: 5, kernelSize: [k[0], k[1]], rate, seed: 1 });
    const x = tf.randomNormal([2, 16, 24, 3]) as Tensor4D;
    const y = layer.apply(x) as Tensor;
    const kernel = layer.getWeights()[0] as Tensor4D;
    const ref = tf.conv2d(x, kernel, 1, 'same', 'NHWC', [rate, rate]);
    expect(y.sub(ref).abs().max().dataSync()[0]).toBeLessThan(1e-4);
    expect(layer.macs([[1, 16, 24, 3]], [1, 16, 24, 5])).toBe(16 * 24 * k[0] * k[1] * 3 * 5);
  });

  it('AtrousConv2D on a size that is not a multiple of the rate still equals the dilated conv2d', () => {
    const layer = new AtrousConv2D({ filters: 2, kernelSize: [3, 3], rate: 4, seed: 1 });
    const x = tf.randomNormal([1, 10, 13, 3]) as Tensor4D;
    const y = layer.apply(x) as Tensor;
    expect(y.shape).toEqual([1, 10, 13, 2]);
    const ref = tf.conv2d(x, layer.getWeights()[0] as Tensor4D, 1, 'same', 'NHWC', [4, 4]);
    expect(y.sub(ref).abs().max().dataSync()[0]).toBeLessThan(1e-4);
  });
});
