// conv2dBiasRelu must be tfjs' fused.conv2d with 'relu' in value and gradient, and keep the
// forward as one kernel under a gradient tape (where tfjs' op runs conv, add and relu).
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs-node';
import { tf } from '../tf';
import { conv2dBiasRelu } from './conv-bias-relu';
import { expectNoLeaks } from '../leak';
import { expectClose, opsRunBy } from '../testing/op-checks';

const close = expectClose;

describe('conv2dBiasRelu', () => {
  const cases: { pad: 'same' | 'valid'; stride: number }[] = [
    { pad: 'same', stride: 1 },
    { pad: 'valid', stride: 2 },
  ];
  it.each(cases)('equals tf.fused.conv2d relu in value and gradients wrt x, filter, bias (%o)', ({ pad, stride }) => {
    const x = tf.randomUniform([2, 9, 8, 5], -2, 2, 'float32', 41) as Tensor4D;
    const f = tf.randomUniform([3, 3, 5, 6], -0.5, 0.5, 'float32', 42) as Tensor4D;
    const b = tf.randomUniform([6], -0.5, 0.5, 'float32', 43) as Tensor1D;
    const strides: [number, number] = [stride, stride];
    const ours = (xi: Tensor, fi: Tensor, bi: Tensor) => conv2dBiasRelu(xi as Tensor4D, fi as Tensor4D, bi as Tensor1D, { strides, pad });
    const tfjs = (xi: Tensor, fi: Tensor, bi: Tensor) => tf.fused.conv2d({ x: xi as Tensor4D, filter: fi as Tensor4D, bias: bi, strides, pad, activation: 'relu' });
    const y = ours(x, f, b);
    close(y, tfjs(x, f, b), 1e-5);
    const yData = y.dataSync();
    expect(yData.some((v) => v === 0) && yData.some((v) => v > 0)).toBe(true); // both sides of the ReLU occur
    const dy = tf.randomUniform(y.shape, -1, 1, 'float32', 44);
    const loss = (g: typeof ours) => (xi: Tensor, fi: Tensor, bi: Tensor) => tf.sum(tf.mul(g(xi, fi, bi), dy));
    const got = tf.grads(loss(ours))([x, f, b]);
    const want = tf.grads(loss(tfjs))([x, f, b]);
    got.forEach((g, i) => close(g, want[i], 1e-4));
  });

  it('runs one fused op forward under a gradient tape (tfjs: Conv2D, BiasAdd, Relu) and leaks nothing', async () => {
    const x = tf.randomUniform([1, 6, 6, 3], -1, 1, 'float32', 45) as Tensor4D;
    const f = tf.variable(tf.randomUniform([3, 3, 3, 4], -1, 1, 'float32', 46)) as unknown as Tensor4D;
    const b = tf.variable(tf.randomUniform([4], -1, 1, 'float32', 47)) as unknown as Tensor1D;
    const step = (g: () => Tensor) => () => tf.tidy(() => { tf.variableGrads(() => tf.sum(g()) as never); });
    const ours = opsRunBy(step(() => conv2dBiasRelu(x, f, b, { strides: [1, 1], pad: 'same' })));
    const tfjs = opsRunBy(step(() => tf.fused.conv2d({ x, filter: f, bias: b, strides: 1, pad: 'same', activation: 'relu' })));
    expect(ours).toContain('_MklNativeFusedConv2D');
    expect(ours).not.toContain('Relu');
    expect(tfjs).toContain('Relu'); // the unfused forward this op avoids
    await expectNoLeaks(step(() => conv2dBiasRelu(x, f, b, { strides: [1, 1], pad: 'same' })), { label: 'conv2dBiasRelu step' });
  });

  it('hands dilation > 1 to tf.fused.conv2d (same values)', () => {
    const x = tf.randomUniform([1, 9, 9, 2], -1, 1, 'float32', 48) as Tensor4D;
    const f = tf.randomUniform([3, 3, 2, 3], -1, 1, 'float32', 49) as Tensor4D;
    const b = tf.randomUniform([3], -1, 1, 'float32', 50) as Tensor1D;
    close(conv2dBiasRelu(x, f, b, { strides: [1, 1], pad: 'same', dilations: [2, 2] }), tf.fused.conv2d({ x, filter: f, bias: b, strides: 1, pad: 'same', dilations: 2, activation: 'relu' }), 1e-5);
  });
});
