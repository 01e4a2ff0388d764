import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { buildBackbone } from '../../backbone';
import { countParams } from '../../count';

/** Parameters of a 3x3 conv with bias. */
const conv3 = (cin: number, cout: number) => 9 * cin * cout + cout;

describe('contras-vgg (C2-Matching correspondence extractor)', () => {
  it('gives 4·width-channel descriptors at 1/4 scale and exposes the VGG tap names', () => {
    const m = buildBackbone({ arch: 'c2-contras-vgg-tiny' }, 1);
    const y = m.predict(tf.randomUniform([2, 40, 28, 3], 0, 1, 'float32', 2)) as Tensor;
    expect(y.shape).toEqual([2, 10, 7, 64]);
    // odd sizes: max pooling floors, as torch's MaxPool2d(2, 2)
    expect((m.predict(tf.zeros([1, 23, 18, 3])) as Tensor).shape).toEqual([1, 5, 4, 64]);
    for (const name of ['conv1_1', 'conv1_2', 'pool1', 'conv2_1', 'conv2_2', 'pool2', 'conv3_1']) expect(m.getLayer(name).name).toBe(name);
    // conv3_1 has no ReLU (the released slice ends before relu3_1): descriptors take negative values
    expect(y.min().dataSync()[0]).toBeLessThan(0);
  });

  it('full width is VGG16 up to conv3_1: 64/64/128/128/256 channels', () => {
    const m = buildBackbone({ arch: 'c2-contras-vgg' }, 1);
    expect(countParams(m)).toBe(conv3(3, 64) + conv3(64, 64) + conv3(64, 128) + conv3(128, 128) + conv3(128, 256));
    expect(m.outputs[0].shape).toEqual([null, null, null, 256]);
  });

  it('seeded: the same seed builds the same weights, another seed different ones', () => {
    const w = (seed: number) => buildBackbone({ arch: 'c2-contras-vgg-tiny' }, seed).getLayer('conv2_1').getWeights()[0];
    expect(tf.abs(w(3).sub(w(3))).max().dataSync()[0]).toBe(0);
    expect(tf.abs(w(3).sub(w(4))).max().dataSync()[0]).toBeGreaterThan(0);
  });
});
