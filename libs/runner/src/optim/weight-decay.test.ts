import { tf } from '@kdlab/engine';
import type { Scalar, Variable } from '@kdlab/engine';
import { withWeightDecay } from './weight-decay';

describe('withWeightDecay', () => {
  it('one SGD step moves w by -lr * (dL/dw + wd * w), as PyTorch SGD(weight_decay=wd)', () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3])) as Variable;
    const opt = tf.train.sgd(0.1);
    // L = sum(2w) so dL/dw = 2; expected w' = w - 0.1 * (2 + 0.5 w)
    opt.minimize(() => withWeightDecay(tf.sum(tf.mul(2, w)) as Scalar, [w], 0.5), false, [w]);
    const got = Array.from(w.dataSync());
    [1, -2, 3].map((x) => x - 0.1 * (2 + 0.5 * x)).forEach((e, i) => expect(got[i]).toBeCloseTo(e, 6));
    tf.dispose([w]);
    opt.dispose();
  });

  it('returns the loss itself when the decay is 0', () => {
    const l = tf.scalar(3) as Scalar;
    expect(withWeightDecay(l, [], 0.1)).toBe(l);
    expect(withWeightDecay(l, [tf.variable(tf.ones([1])) as Variable], 0)).toBe(l);
    l.dispose();
  });
});
