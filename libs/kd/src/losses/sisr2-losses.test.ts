// Golden values for the SISR part-two losses (issue 10): golden/gen_sisr2_losses.py computes each
// loss in numpy float64 from its formula, independently of this code, and its gradient w.r.t. the
// student by central differences; plus the shape errors each loss must give.
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D, Variable } from '@kdlab/engine';
import { createLoss } from '../loss';
import { stopGradient } from '../stop-gradient';
import { expectCloseTo, expectLossMatchesGolden, readGoldenCases, unpack, type GoldenLossCase, type Packed } from '../testing/golden';
import type { MetaKdLoss } from './meta-kd';
import type { PclLoss } from './pcl';

interface Sisr2Case extends GoldenLossCase {
  d_weights?: Packed[];
  positives?: Packed[];
  negatives?: Packed[];
  d_loss?: { real: Packed[]; fake: Packed[]; value: number };
  krnet_weights?: Packed[];
}

const cases = readGoldenCases<Sisr2Case>('sisr2_losses.json');
const plain = cases.filter((c) => c.loss.kind === 'edge-gv' || c.loss.kind === 'meta-kd');

/** A loss from a golden case, with its learned parts built and set to the case's weights. */
function fromCase(c: Sisr2Case) {
  const loss = createLoss(c.loss);
  if (c.krnet_weights) {
    const k = loss as MetaKdLoss;
    k.build({ student: c.student.shape[3], teacher: c.teacher.shape[3] }, 0);
    k.weights.forEach((w, i) => w.assign(unpack(c.krnet_weights![i])));
  }
  return loss;
}
const pclCases = cases.filter((c) => c.loss.kind === 'pcl');

function pclWithWeights(c: Sisr2Case): PclLoss {
  const loss = createLoss(c.loss) as PclLoss;
  loss.build({}, 0);
  loss.auxiliary.weights.forEach((w, i) => w.assign(unpack(c.d_weights![i])));
  return loss;
}

describe('SISR part-two losses against numpy golden values', () => {
  it.each(plain.map((c) => [JSON.stringify(c.loss), c] as const))('%s: value (1e-4 relative) and gradient w.r.t. the student', (_l, c) => {
    // Central-difference gradients in the generator: 1e-3 of the largest entry.
    expectLossMatchesGolden(fromCase(c), c, { valueRel: 1e-4, gradRel: 1e-3 });
  });

  it('edge-gv: a clear error for mismatched shapes, non-RGB input and images smaller than a patch', () => {
    const loss = createLoss({ kind: 'edge-gv' });
    expect(() => loss.compute(tf.zeros([1, 16, 16, 3]), tf.zeros([1, 16, 8, 3]))).toThrow(/edge-gv.*same shape/);
    expect(() => loss.compute(tf.zeros([1, 16, 16, 1]), tf.zeros([1, 16, 16, 1]))).toThrow(/edge-gv.*RGB/);
    expect(() => loss.compute(tf.zeros([1, 4, 16, 3]), tf.zeros([1, 4, 16, 3]))).toThrow(/edge-gv.*smaller than one 8 x 8 patch/);
    expect(() => createLoss({ kind: 'edge-gv', weights: { x: 1, y: 1 } })).toThrow(/edge-gv/);
  });

  it('edge-gv is zero for identical images and grows with blur of the structure', () => {
    const loss = createLoss({ kind: 'edge-gv' });
    const hr = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 3);
    const blurred = tf.avgPool(hr as Tensor4D, 3, 1, 'same');
    expect(loss.compute(hr, hr).dataSync()[0]).toBe(0);
    expect(loss.compute(blurred, hr).dataSync()[0]).toBeGreaterThan(0);
  });

  it.each(pclCases.map((c) => [JSON.stringify(c.loss), c] as const))('pcl %s: InfoNCE value and gradient w.r.t. SR, and the discriminator loss, on fixed views', (_l, c) => {
    const loss = pclWithWeights(c);
    const pos = c.positives!.map(unpack) as Tensor4D[];
    const neg = c.negatives!.map(unpack) as Tensor4D[];
    const s = unpack(c.student) as Tensor4D;
    expect(Math.abs(loss.infoNce(s, pos, neg).dataSync()[0] - c.value)).toBeLessThanOrEqual(1e-4 * Math.abs(c.value));
    const grad = tf.grad((x: Tensor) => loss.infoNce(x as Tensor4D, pos, neg))(s);
    expectCloseTo(grad, c.grad_student, 2e-3);
    const d = loss.dualContrastive(c.d_loss!.real.map(unpack) as Tensor4D[], c.d_loss!.fake.map(unpack) as Tensor4D[]).dataSync()[0];
    expect(Math.abs(d - c.d_loss!.value)).toBeLessThanOrEqual(1e-4 * Math.abs(c.d_loss!.value));
  });

  describe('pcl in training', () => {
    const hr = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1);
    const lr = tf.avgPool(hr as Tensor4D, 4, 4, 'valid');
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 2);
    const make = (teacherPositive = false) => {
      const loss = createLoss({ kind: 'pcl', width: 4, blocks: 6, teacherPositive }) as PclLoss;
      loss.build({}, 5);
      return loss;
    };

    it('the contrastive term sends a non-zero gradient to the SR network weights (the released code sends none)', () => {
      const net = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })] });
      const loss = make();
      loss.auxiliary.beginStep(0);
      const { value, grads } = tf.variableGrads(() => loss.compute(net.apply(x) as Tensor, hr, { input: lr }), net.trainableWeights.map((w) => w.read() as Variable));
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      // The kernel's gradient is non-zero (the bias gets ~0: Haar high bands ignore a constant offset).
      const kernel = net.trainableWeights[0].read() as Variable;
      const norm = grads[kernel.name].norm().dataSync()[0];
      expect(norm).toBeGreaterThan(1e-4);
      // Cutting the graph at SR as the released code does (no_grad) leaves the network no gradient from the term.
      const cut = tf.variableGrads(() => loss.compute(stopGradient(net.apply(x) as Tensor), hr, { input: lr }), [kernel]);
      expect(cut.grads[kernel.name].norm().dataSync()[0]).toBe(0);
    });

    it('the teacher positive adds a positive: the value changes, and a missing teacher output is a clear error', () => {
      const plainLoss = make(false);
      const withTeacher = make(true);
      const teacherSr = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 9);
      const ctx = { input: lr, teacher: { output: teacherSr, features: {} } };
      const a = plainLoss.compute(x, hr, ctx).dataSync()[0];
      const b = withTeacher.compute(x, hr, ctx).dataSync()[0];
      expect(Math.abs(a - b)).toBeGreaterThan(1e-6);
      expect(() => withTeacher.compute(x, hr, { input: lr })).toThrow(/pcl.*teacherPositive/);
    });

    it('the discriminator trains alternately: one Adam step on its own loss lowers it on the same views', () => {
      const loss = make();
      loss.auxiliary.beginStep(3);
      const before = loss.auxiliary.loss(x, hr).dataSync()[0];
      const opt = tf.train.adam(1e-2);
      for (let i = 0; i < 5; i++) opt.minimize(() => loss.auxiliary.loss(x, hr), false, loss.auxiliary.weights);
      expect(loss.auxiliary.loss(x, hr).dataSync()[0]).toBeLessThan(before);
    });

    it('clear errors: mismatched shapes, no LR input', () => {
      const loss = make();
      expect(() => loss.compute(x, tf.zeros([2, 32, 16, 3]), { input: lr })).toThrow(/pcl.*same shape/);
      expect(() => loss.compute(x, hr)).toThrow(/pcl.*LR input/);
    });
  });

  it('meta-kd: clear errors for a grid mismatch and for taps of other widths than KRNet was built for', () => {
    const loss = createLoss({ kind: 'meta-kd' }) as MetaKdLoss;
    expect(() => loss.compute(tf.zeros([1, 4, 4, 3]), tf.zeros([1, 4, 4, 5]))).toThrow(/meta-kd.*build/);
    loss.build({ student: 3, teacher: 5 }, 0);
    expect(() => loss.compute(tf.zeros([1, 4, 4, 3]), tf.zeros([1, 4, 2, 5]))).toThrow(/meta-kd.*same batch and spatial size/);
    expect(() => loss.compute(tf.zeros([1, 4, 4, 2]), tf.zeros([1, 4, 4, 5]))).toThrow(/meta-kd.*built for 3 student/);
  });
});
