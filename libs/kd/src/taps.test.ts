import { buildBackbone } from '@kdlab/backbones';
import { tf } from '@kdlab/engine';
import type { Tensor, Variable } from '@kdlab/engine';
import { tapChannels, tapModel } from './taps';

describe('tapModel', () => {
  const model = buildBackbone({ arch: 'edsr-tiny-student', scale: 2 }, 1);
  const x = tf.randomUniform([2, 6, 5, 3], 0, 1, 'float32', 3);
  afterAll(() => {
    model.dispose();
    x.dispose();
  });

  it('records the named layers and the unchanged output in one pass', () => {
    const tapped = tapModel(model, ['head', 'body.block1', 'body', 'upsample']);
    const taps = tapped.forward(x, false);
    const plain = model.predict(x) as Tensor;
    expect(taps.output.sub(plain).abs().max().dataSync()[0]).toBe(0);
    expect(taps.features.head.shape).toEqual([2, 6, 5, 16]);
    expect(taps.features['body.block1'].shape).toEqual([2, 6, 5, 16]);
    expect(taps.features.body.shape).toEqual([2, 6, 5, 16]);
    expect(taps.features.upsample.shape).toEqual([2, 12, 10, 16]);
    // 'head' is the first conv applied to the mean-shifted input: check it directly.
    const head = model.getLayer('head').apply(model.getLayer('sub_mean').apply(x)) as Tensor;
    expect(taps.features.head.sub(head).abs().max().dataSync()[0]).toBe(0);
    tf.dispose([taps.output, ...Object.values(taps.features), plain, head]);
  });

  it('shares the weights of the model (no copy, no surgery)', () => {
    const tapped = tapModel(model, ['body']);
    expect(tapped.model.trainableWeights.length).toBe(model.trainableWeights.length);
    tapped.model.trainableWeights.forEach((w, i) => expect(w).toBe(model.trainableWeights[i]));
    expect(model.outputs).toHaveLength(1);
  });

  it('lets gradients flow from a feature to the weights before it', () => {
    const tapped = tapModel(model, ['body.block0']);
    const headKernel = model.getLayer('head').trainableWeights[0].read() as Variable;
    const tailKernel = model.getLayer('tail').trainableWeights[0].read() as Variable;
    const { value, grads } = tf.variableGrads(() => {
      const taps = tapped.forward(x, true);
      return taps.features['body.block0'].square().mean().asScalar();
    }, [headKernel, tailKernel]);
    expect(grads[headKernel.name].abs().max().dataSync()[0]).toBeGreaterThan(0);
    // The tail comes after the tap: tfjs reports no gradient (or a zero one) for it.
    const tail = grads[tailKernel.name];
    expect(tail === undefined || tail.abs().max().dataSync()[0] === 0).toBe(true);
    tf.dispose([value, ...Object.values(grads)]);
  });

  it('a tap on the output layer is the output itself (the same tensor, not a copy)', () => {
    const taps = tapModel(model, ['add_mean', 'body', 'body']).forward(x, false);
    expect(Object.keys(taps.features)).toEqual(['add_mean', 'body']);
    expect(taps.features.add_mean).toBe(taps.output);
    tf.dispose([taps.output, taps.features.body]);
  });

  it('names the missing layer and lists the real ones', () => {
    expect(() => tapModel(model, ['body.block9'])).toThrow(/no layer 'body\.block9'; layers: .*body\.block0/);
  });

  it('tapChannels reads the widths of the taps and the output', () => {
    expect(tapChannels(model, ['body', 'upsample.conv0'])).toEqual({ output: 3, body: 16, 'upsample.conv0': 64 });
  });
});
