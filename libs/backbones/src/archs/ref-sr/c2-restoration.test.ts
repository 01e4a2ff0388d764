import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D } from '@kdlab/engine';
import { buildBackbone } from '../../backbone';
import { FlowOffsets, WarpByFlow } from './flow-layers';

describe('reference-based SR models', () => {
  it('contras-pair: two separate extractors, both views\' descriptors on the channel axis', () => {
    const m = buildBackbone({ arch: 'c2-contras-pair-tiny' }, 1);
    const a = tf.randomUniform([1, 32, 24, 3], 0, 1, 'float32', 1);
    const b = tf.randomUniform([1, 32, 24, 3], 0, 1, 'float32', 2);
    const y = m.predict(tf.concat([a, b], 3)) as Tensor;
    expect(y.shape).toEqual([1, 8, 6, 128]);
    // view 2's half depends only on view 2: swapping view 1 leaves it unchanged, view 1's half changes
    const y2 = m.predict(tf.concat([b, b], 3)) as Tensor;
    expect(tf.abs(y.slice([0, 0, 0, 64], [1, 8, 6, 64]).sub(y2.slice([0, 0, 0, 64], [1, 8, 6, 64]))).max().dataSync()[0]).toBe(0);
    expect(tf.abs(y.slice([0, 0, 0, 0], [1, 8, 6, 64]).sub(y2.slice([0, 0, 0, 0], [1, 8, 6, 64]))).max().dataSync()[0]).toBeGreaterThan(0);
    // separate weights
    expect(tf.abs(m.getLayer('view1.conv2_1').getWeights()[0].sub(m.getLayer('view2.conv2_1').getWeights()[0])).max().dataSync()[0]).toBeGreaterThan(0);
  });

  it('contras-pair centre: each view\'s descriptors have zero spatial mean per channel and image', () => {
    const m = buildBackbone({ arch: 'c2-contras-pair-tiny', centre: true }, 1);
    expect(m.getLayer('view2.centre').name).toBe('view2.centre');
    const y = m.predict(tf.randomUniform([2, 32, 24, 6], 0, 1, 'float32', 3)) as Tensor;
    expect(y.mean([1, 2]).abs().max().dataSync()[0]).toBeLessThan(1e-5);
    expect(y.abs().max().dataSync()[0]).toBeGreaterThan(1e-3);
  });

  it('WarpByFlow moves features by the flow; FlowOffsets repeats it on every tap', () => {
    const x = tf.tensor4d(Float32Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    // every cell reads the cell one row down and two columns left
    const flow = tf.tile(tf.tensor4d([1, -2], [1, 1, 1, 2]), [1, 4, 4, 1]);
    const warped = (new WarpByFlow({}).apply([x, flow]) as Tensor).reshape([4, 4]).arraySync() as number[][];
    expect(warped[0][2]).toBe(4 * 1 + 0);
    expect(warped[1][3]).toBe(4 * 2 + 1);
    expect(warped[3][3]).toBe(0); // outside: 0
    const off = new FlowOffsets({}).apply([tf.zeros([1, 4, 4, 18]), flow]) as Tensor;
    expect(Array.from(off.slice([0, 2, 2, 0], [1, 1, 1, 18]).dataSync())).toEqual(Array.from({ length: 18 }, (_, k) => (k % 2 === 0 ? 1 : -2)));
  });

  it('c2-restoration: x4 output, zero-initialised offsets start at the flow, the reference branch changes the output', () => {
    const m = buildBackbone({ arch: 'c2-restoration', scale: 4, channels: 8, blocks: 1 }, 3);
    expect(m.inputs[0].shape[3]).toBe(53);
    const lr = tf.randomUniform([1, 6, 5, 3], 0, 1, 'float32', 4) as Tensor4D;
    const ref = tf.randomUniform([1, 6, 5, 48], 0, 1, 'float32', 5);
    const flow = tf.zeros([1, 6, 5, 2]);
    const y = m.predict(tf.concat([lr, ref, flow], 3)) as Tensor;
    expect(y.shape).toEqual([1, 24, 20, 3]);
    const y2 = m.predict(tf.concat([lr, ref.mul(0.5), flow], 3)) as Tensor;
    expect(tf.abs(y.sub(y2)).max().dataSync()[0]).toBeGreaterThan(1e-4);
    const noRef = buildBackbone({ arch: 'c2-restoration', scale: 4, channels: 8, blocks: 1, reference: false }, 3);
    expect(noRef.inputs[0].shape[3]).toBe(3);
    expect((noRef.predict(lr) as Tensor).shape).toEqual([1, 24, 20, 3]);
  });
});
