import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D } from '@kdlab/engine';
import { buildBackbone } from '../../backbone';
import { countParams } from '../../count';
import '../../index';
import { dynamicDepthwiseConv } from './dynamic-conv';

describe('KDSR dynamic depthwise conv (IDR_DDC)', () => {
  it('equals a per-image tf.depthwiseConv2d with kernel[b, c, i, j] = v[b, c*9 + i*3 + j] and zero padding', () => {
    const [n, h, w, c] = [2, 5, 4, 3];
    const x = tf.randomNormal([n, h, w, c], 0, 1, 'float32', 1);
    const v = tf.randomNormal([n, c * 9], 0, 1, 'float32', 2);
    const got = dynamicDepthwiseConv(x, v, 3);
    const refs = Array.from({ length: n }, (_, b) => {
      const filter = v.slice([b, 0], [1, c * 9]).reshape([c, 3, 3]).transpose([1, 2, 0]).reshape([3, 3, c, 1]) as Tensor4D;
      return tf.depthwiseConv2d(x.slice([b], [1]) as Tensor4D, filter, 1, 'same');
    });
    const ref = tf.concat(refs, 0);
    expect(got.sub(ref).abs().max().dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([x, v, got, ref, ...refs]);
  });
});

describe('KDSR backbone', () => {
  it('KDSR_S-M (paper preset) has the published 5.80 M parameters', () => {
    const m = buildBackbone({ arch: 'kdsr-s-m', scale: 4 }, 0);
    // The released cal_parms.py also counts the two fixed MeanShift convs (2 x 12); ours hold no weights.
    expect((countParams(m) + 24) / 1e6).toBeCloseTo(5.8, 2);
    m.dispose();
  });

  it('the teacher reads LR + PixelUnshuffle(HR) (51 channels at x4), the student LR only; both output x4 RGB', () => {
    const spec = { arch: 'kdsr', scale: 4, channels: 8, blocks: 2, ideBlocks: 1 };
    const teacher = buildBackbone({ ...spec, ide: 'teacher' }, 0);
    const student = buildBackbone({ ...spec, ide: 'student' }, 0);
    expect(teacher.inputs[0].shape).toEqual([null, null, null, 51]);
    expect(student.inputs[0].shape).toEqual([null, null, null, 3]);
    const out = student.predict(tf.zeros([1, 6, 5, 3])) as Tensor;
    expect(out.shape).toEqual([1, 24, 20, 3]);
    // Only the IDE's first conv differs between them (3 + 48 vs 3 input channels).
    const differ = teacher.weights.filter((w, i) => w.shape.join() !== student.weights[i].shape.join()).map((w) => w.originalName);
    expect(differ).toEqual(['ide.conv_in/kernel']);
    tf.dispose([out]);
  });

  it('the IDR drives the SR net: the same LR with another IDE input gives another output', () => {
    const t = buildBackbone({ arch: 'kdsr', scale: 4, channels: 8, blocks: 2, ideBlocks: 1, ide: 'teacher' }, 3);
    const lr = tf.randomUniform([1, 6, 6, 3], 0, 1, 'float32', 4);
    const a = t.predict(tf.concat([lr, tf.zeros([1, 6, 6, 48])], 3)) as Tensor;
    const b = t.predict(tf.concat([lr, tf.randomUniform([1, 6, 6, 48], 0, 100, 'float32', 6)], 3)) as Tensor;
    expect(a.sub(b).abs().max().dataSync()[0]).toBeGreaterThan(1e-4);
    tf.dispose([lr, a, b]);
  });

  it('trainSr: false leaves only the IDE trainable', () => {
    const m = buildBackbone({ arch: 'kdsr', scale: 4, channels: 8, blocks: 2, ideBlocks: 1, ide: 'student', trainSr: false }, 0);
    const names = m.trainableWeights.map((w) => w.originalName);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n.startsWith('ide.'))).toBe(true);
    expect(m.weights.some((w) => w.originalName.startsWith('sr.block0.kernel1'))).toBe(true);
  });
});
