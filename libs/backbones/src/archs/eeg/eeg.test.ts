// EEG backbones: parameter counts against the layer-by-layer formulas of the papers'
// architectures (written out here), output and tap shapes, the montage layer, seeded dropout.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { buildBackbone, countFlops, countParams } from '../../index';
import { ElectrodeSelect, SeededDropout } from './layers';

const bnTrainable = (c: number) => 2 * c; // gamma, beta (moving mean/var are not trainable)

describe('EEG backbones', () => {
  it('EEGNet-8,2 has the published layer sizes (64 electrodes, 640 samples at 160 Hz, kernel 80, 4 classes)', () => {
    const m = buildBackbone({ arch: 'eegnet-8,2', chans: 64, samples: 640, kernLength: 80, numClasses: 4 }, 0);
    const expected =
      8 * 80 + bnTrainable(8) + // temporal conv, no bias
      64 * 8 * 2 + bnTrainable(16) + // depthwise (C x 1), D = 2
      16 * 16 + 16 * 16 + bnTrainable(16) + // separable: depthwise 1x16, pointwise 16->16
      16 * (640 / 32) * 4 + 4; // dense from the flattened [1, 20, 16]
    expect(countParams(m, { trainableOnly: true })).toBe(expected);
    expect(expected).toBe(3540);
    expect(m.outputs[0].shape).toEqual([null, 4]);
    expect(m.getLayer('block1').outputShape).toEqual([null, 1, 160, 16]);
    expect(m.getLayer('block2').outputShape).toEqual([null, 1, 20, 16]);
    // FLOPs = 2 x MACs: temporal conv, depthwise (64 x 1), separable (1 x 16 depthwise + 1 x 1), dense.
    expect(countFlops(m, [64, 640])).toBe(2 * (64 * 640 * 80 * 8 + 640 * 16 * 64 + 160 * 16 * 16 + 160 * 16 * 16 + 320 * 4));
  });

  it('the temporal conv (plain conv2d op) equals tf.layers.conv2d with the same kernel', () => {
    const m = buildBackbone({ arch: 'eegnet', chans: 4, samples: 32, kernLength: 5, numClasses: 2, F1: 3 }, 1);
    const layer = m.getLayer('block1.temporal');
    const x = tf.randomNormal([2, 4, 32, 1], 0, 1, 'float32', 3);
    const ref = tf.layers.conv2d({ filters: 3, kernelSize: [1, 5], padding: 'same', useBias: false });
    ref.apply(x);
    ref.setWeights(layer.getWeights());
    const diff = (layer.apply(x) as Tensor).sub(ref.apply(x) as Tensor).abs().max().dataSync()[0];
    expect(diff).toBeLessThan(1e-6);
  });

  it('ShallowConvNet and DeepConvNet have the published layer sizes', () => {
    const shallow = buildBackbone({ arch: 'shallow-convnet', chans: 64, samples: 640, numClasses: 4, kernLength: 16, poolLength: 48, poolStride: 10 }, 0);
    const shallowOut = Math.floor((640 - 16 + 1 - 48) / 10) + 1; // 58
    expect(countParams(shallow, { trainableOnly: true })).toBe(40 * 16 + 40 + 40 * 64 * 40 + bnTrainable(40) + 40 * shallowOut * 4 + 4);
    const deep = buildBackbone({ arch: 'deep-convnet', chans: 64, samples: 640, numClasses: 4 }, 0);
    let w = Math.floor((640 - 9) / 3); // 210
    let expected = 25 * 10 + 25 + 25 * 64 * 25 + bnTrainable(25);
    let prev = 25;
    for (const f of [50, 100, 200]) {
      expected += prev * 10 * f + bnTrainable(f);
      w = Math.floor((w - 9) / 3);
      prev = f;
    }
    expected += 200 * w * 4 + 4;
    expect(w).toBe(3);
    expect(countParams(deep, { trainableOnly: true })).toBe(expected);
  });

  it('a montage changes only the spatial kernel: teacher and student taps share shapes', () => {
    const spec = { arch: 'eegnet-8,2', chans: 64, samples: 320, kernLength: 80, numClasses: 4 };
    const teacher = buildBackbone(spec, 0);
    const student = buildBackbone({ ...spec, electrodes: [40, 41, 44, 45] }, 0);
    for (const tap of ['block1', 'block2', 'flatten', 'logits']) expect(student.getLayer(tap).outputShape).toEqual(teacher.getLayer(tap).outputShape);
    expect(countParams(teacher, { trainableOnly: true }) - countParams(student, { trainableOnly: true })).toBe((64 - 4) * 16);
    expect(student.getLayer('input').outputShape).toEqual([null, 4, 320, 1]);
  });

  it('ElectrodeSelect keeps exactly the chosen rows, in order; bad indices are errors', () => {
    const x = tf.tensor4d(Array.from({ length: 5 * 3 }, (_, i) => i), [1, 5, 3, 1]);
    const y = new ElectrodeSelect({ indices: [4, 1] }).apply(x) as Tensor;
    expect(Array.from(y.dataSync())).toEqual([12, 13, 14, 3, 4, 5]);
    expect(() => new ElectrodeSelect({ indices: [1, 1] })).toThrow(/repeat/);
    expect(() => buildBackbone({ arch: 'eegnet', chans: 4, samples: 64, numClasses: 2, electrodes: [7] }, 0)).toThrow(/reach past the input's 4/);
  });

  it('SeededDropout: new masks each training call, the same sequence for the same seed, identity in inference', () => {
    const x = tf.ones([1, 1, 400, 1]);
    const run = (seed: number) => {
      const d = new SeededDropout({ rate: 0.5, seed });
      return [0, 1].map(() => Array.from((d.apply(x, { training: true }) as Tensor).dataSync()));
    };
    const [a1, a2] = run(7);
    const [b1] = run(7);
    expect(a1).toEqual(b1);
    expect(a1).not.toEqual(a2);
    expect(new Set(a1)).toEqual(new Set([0, 2]));
    expect(Array.from((new SeededDropout({ rate: 0.5, seed: 1 }).apply(x) as Tensor).dataSync())).toEqual(Array(400).fill(1));
  });
});
