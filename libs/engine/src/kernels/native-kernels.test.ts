// The kernels that route tfjs ops to TensorFlow ops tfjs never calls (bias-add.ts,
// relu-grad.ts, conv-bias.ts): each must give what tfjs' own path gives, forward and
// gradient, and must actually be taken (a spy on the node backend sees the op).
import { spawnSync } from 'child_process';
import * as path from 'path';
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs-node';
import { tf, convBiasFused } from '../tf';
import type { NodeBackend } from './node-op';
import { expectClose, opsRunBy } from '../testing/op-checks';

const backend = () => tf.backend() as unknown as NodeBackend;
const close = expectClose;

describe('BiasAdd / BiasAddGrad for Add and Sum (tensorflow backend)', () => {
  const x = () => tf.randomUniform([2, 5, 4, 3], -1, 1, 'float32', 11) as Tensor4D;
  const bias = () => tf.tensor1d([0.5, -2, 3]);

  it('adds a bias vector along the last axis, either operand order, through BiasAdd', () => {
    let y: Tensor[] = [];
    const ops = opsRunBy(() => (y = [tf.add(x(), bias()), tf.add(bias(), x())]));
    expect(ops.filter((o) => o === 'BiasAdd')).toHaveLength(2);
    const want = tf.add(x(), bias().reshape([1, 1, 1, 3])); // rank 4 + rank 4: tfjs' broadcasting Add
    close(y[0], want);
    close(y[1], want);
  });

  it('leaves other Adds alone: same shapes, int32, a vector that is not along the last axis', () => {
    const ops = opsRunBy(() => {
      tf.add(x(), x());
      tf.add(tf.tensor2d([[1, 2]], [1, 2], 'int32'), tf.tensor1d([3, 4], 'int32'));
      tf.add(tf.ones([3, 2]), tf.ones([2]).reshape([1, 2]));
    });
    expect(ops).not.toContain('BiasAdd');
  });

  it('sums over every axis but the last through BiasAddGrad, keepDims too; other reductions unchanged', () => {
    let s: Tensor[] = [];
    const ops = opsRunBy(() => (s = [tf.sum(x(), [0, 1, 2]), tf.sum(x(), [2, 0, 1], true), tf.sum(x(), [0, 1])]));
    expect(ops.filter((o) => o === 'BiasAddGrad')).toHaveLength(2);
    const want = tf.sum(tf.sum(x(), [0, 1]), 0); // two reductions tfjs-node runs as Sum
    close(s[0], want);
    close(s[1], want.reshape([1, 1, 1, 3]));
    expect(s[2].shape).toEqual([4, 3]);
  });

  it('keeps the gradients of a bias add (the bias gradient is a BiasAddGrad sum)', () => {
    const dy = tf.randomUniform([2, 5, 4, 3], -1, 1, 'float32', 12);
    const g = tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(tf.add(a, b), dy)))([x(), bias()]);
    close(g[0], dy);
    close(g[1], tf.sum(tf.sum(dy, [0, 1]), 0));
  });
});

describe('ReluGrad for the ReLU gradient (tensorflow backend)', () => {
  it('gives dy where x > 0 and 0 elsewhere, 0 at NaN as PyTorch does (tfjs gave NaN)', () => {
    const x = tf.tensor1d([-2, -0, 0, 1e-30, 3, Infinity, -Infinity, NaN]);
    const dy = tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8]);
    let g: Tensor | undefined;
    const ops = opsRunBy(() => (g = tf.grad((a: Tensor) => tf.sum(tf.mul(tf.relu(a), dy)))(x)));
    expect(ops).toContain('ReluGrad');
    expect(ops).not.toContain('Select'); // no Step
    expect(Array.from(g!.dataSync())).toEqual([0, 0, 0, 4, 5, 6, 0, 0]);
  });

  it('has a second-order gradient: d/dx of sum(dReLU/dx · w) is 0, d/dw is the step', () => {
    const x = tf.tensor1d([-1, 0.5, 2]);
    const w = tf.tensor1d([3, 4, 5]);
    const inner = (a: Tensor, v: Tensor) => tf.sum(tf.mul(tf.grad((b: Tensor) => tf.sum(tf.mul(tf.relu(b), v)))(a), tf.tensor1d([1, 1, 1])));
    const [gx, gw] = tf.grads(inner)([x, w]);
    expect(Array.from(gx.dataSync())).toEqual([0, 0, 0]);
    expect(Array.from(gw.dataSync())).toEqual([0, 1, 1]);
  });
});

describe('conv + bias as one oneDNN op (tensorflow backend)', () => {
  it('is installed on this x86 CPU build', () => {
    expect(convBiasFused).toBe(true);
  });

  type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'leakyrelu' | 'sigmoid';
  const cases: { pad: 'same' | 'valid'; stride: number; dilation: number; activation: Activation; op: string }[] = [
    { pad: 'same', stride: 1, dilation: 1, activation: 'linear', op: '_MklNativeConv2DWithBias' },
    { pad: 'same', stride: 1, dilation: 1, activation: 'relu', op: '_MklNativeFusedConv2D' },
    { pad: 'valid', stride: 2, dilation: 1, activation: 'relu', op: '_MklNativeFusedConv2D' },
    { pad: 'same', stride: 1, dilation: 2, activation: 'elu', op: '_MklNativeFusedConv2D' },
    { pad: 'same', stride: 1, dilation: 1, activation: 'relu6', op: '_MklNativeFusedConv2D' },
    { pad: 'valid', stride: 1, dilation: 1, activation: 'leakyrelu', op: '_MklNativeFusedConv2D' },
    // oneDNN's fused ops have no sigmoid here: conv + bias, then tfjs' sigmoid
    { pad: 'same', stride: 1, dilation: 1, activation: 'sigmoid', op: '_MklNativeConv2DWithBias' },
  ];
  it.each(cases)('equals conv2d + bias + activation, forward and (dilation 1) gradients (%o)', ({ pad, stride, dilation, activation, op }) => {
    // Values scaled so that relu6 clips some outputs at 6 and the leaky slope (0.1, not the default) shows.
    const x = tf.randomUniform([2, 9, 8, 5], -3, 3, 'float32', 21) as Tensor4D;
    const f = tf.randomUniform([3, 3, 5, 6], -0.5, 0.5, 'float32', 22) as Tensor4D;
    const b = tf.randomUniform([6], -0.5, 0.5, 'float32', 23) as Tensor1D;
    const act = (t: Tensor): Tensor =>
      ({ linear: t, relu: tf.relu(t), relu6: tf.relu6(t), elu: tf.elu(t), leakyrelu: tf.leakyRelu(t, 0.1), sigmoid: tf.sigmoid(t) })[activation];
    const fused = (xi: Tensor, fi: Tensor, bi: Tensor): Tensor =>
      tf.fused.conv2d({ x: xi as Tensor4D, filter: fi as Tensor4D, bias: bi, strides: stride, pad, dilations: dilation, activation, leakyreluAlpha: 0.1 });
    const plain = (xi: Tensor, fi: Tensor, bi: Tensor): Tensor => act(tf.add(tf.conv2d(xi as Tensor4D, fi as Tensor4D, stride, pad, 'NHWC', dilation), bi.reshape([1, 1, 1, 6])));
    let y: Tensor | undefined;
    const ops = opsRunBy(() => (y = fused(x, f, b)));
    expect(ops).toContain(op);
    const want = plain(x, f, b);
    if (activation === 'relu6') expect(tf.max(want).dataSync()[0]).toBe(6); // the clip is exercised
    close(y!, want, 1e-5);
    if (dilation > 1) return; // tfjs has no conv gradient for dilation > 1 (either path)
    const dy = tf.randomUniform(y!.shape, -1, 1, 'float32', 24);
    const loss = (g: typeof fused) => (xi: Tensor, fi: Tensor, bi: Tensor) => tf.sum(tf.mul(g(xi, fi, bi), dy));
    const got = tf.grads(loss(fused))([x, f, b]);
    const want2 = tf.grads(loss(plain))([x, f, b]);
    got.forEach((g, i) => close(g, want2[i], 1e-4));
  });

  it('sets list attributes through the patched binding (fused_ops: list(string), TArgs: list(type))', () => {
    // The same conv + bias + ReLU as one op by name; an unpatched binding throws "Argument is not a string!".
    const b = backend();
    const x = tf.randomUniform([1, 5, 5, 2], -1, 1, 'float32', 31);
    const f = tf.randomUniform([3, 3, 2, 3], -1, 1, 'float32', 32);
    const bias = tf.tensor1d([0.1, -0.2, 0.3]);
    const A = (name: string, type: number, value: unknown) => ({ name, type, value });
    const y = b.executeSingleOutput('_FusedConv2D', [
      A('T', b.binding.TF_ATTR_TYPE, b.binding.TF_FLOAT), A('num_args', b.binding.TF_ATTR_INT, 1),
      A('TArgs', b.binding.TF_ATTR_TYPE, [b.binding.TF_FLOAT]), A('strides', b.binding.TF_ATTR_INT, [1, 1, 1, 1]),
      A('padding', b.binding.TF_ATTR_STRING, 'SAME'), A('data_format', b.binding.TF_ATTR_STRING, 'NHWC'),
      A('fused_ops', b.binding.TF_ATTR_STRING, ['BiasAdd', 'Relu']),
    ], [x, f, bias]);
    close(y, tf.relu(tf.add(tf.conv2d(x as Tensor4D, f as Tensor4D, 1, 'same'), bias)), 1e-5);
  });

  /** engineInfo().kernelChanges in a fresh process with `env` added. */
  const changesInChild = (env: Record<string, string>): string[] => {
    const script = "const e=require('./libs/engine/src/index.ts'); console.log(JSON.stringify(e.engineInfo(e.engine).kernelChanges))";
    const res = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: path.resolve(__dirname, '../../../..'), env: { ...process.env, ...env }, encoding: 'utf8' });
    if (res.status !== 0) throw new Error(res.stderr);
    return JSON.parse(res.stdout.trim().split('\n').pop()!);
  };

  const conv = 'FusedConv2D with bias -> _MklNativeConv2DWithBias';
  const convBias = (changes: string[]) => changes.filter((c) => c.startsWith(conv));

  it('is probed, not assumed: without oneDNN (TF_ENABLE_ONEDNN_OPTS=0) or with KDLAB_CONV_BIAS=0 tfjs keeps its kernel', () => {
    expect(convBias(changesInChild({}))).toHaveLength(1);
    const withoutOneDnn = changesInChild({ TF_ENABLE_ONEDNN_OPTS: '0' });
    expect(convBias(withoutOneDnn)).toEqual([]);
    expect(withoutOneDnn).toContain('Relu gradient -> ReluGrad'); // the plain TensorFlow ops stay
    expect(convBias(changesInChild({ KDLAB_CONV_BIAS: '0' }))).toEqual([]);
  });

  it('fuses the activation unless KDLAB_FUSED_ACTIVATION=0 (then conv + bias, activation after)', () => {
    expect(convBias(changesInChild({}))).toEqual([`${conv} (_MklNativeFusedConv2D with relu, relu6, elu, leakyrelu)`]);
    expect(convBias(changesInChild({ KDLAB_FUSED_ACTIVATION: '0' }))).toEqual([conv]);
  });

  it('falls back to tfjs for a conv without bias', () => {
    const ops = opsRunBy(() => tf.fused.conv2d({ x: tf.ones([1, 4, 4, 2]) as Tensor4D, filter: tf.ones([3, 3, 2, 1]) as Tensor4D, strides: 1, pad: 'same' }));
    expect(ops).not.toContain('_MklNativeConv2DWithBias');
  });
});
