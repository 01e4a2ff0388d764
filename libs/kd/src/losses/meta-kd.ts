// Meta-KD with a knowledge representation network (KRNet): "Learning Knowledge Representation with
// Meta Knowledge Distillation for Single Image Super-Resolution" (arXiv 2207.08356). No code was
// released and only the abstract was available here, so this is an ABSTRACT-ONLY reading: the abstract
// says KRNet turns teacher and student features and their correlation into the transferred knowledge,
// that texture-aware dynamic kernels (predicted from the student) extract texture features from the
// teacher's guidance for the student, and that KRNet is learned by meta-learning (student's
// reconstruction after a virtual update on the distillation loss). Every formula below is ours.
//
// KRNet (φ), on the term's student tap F_s [N, H, W, Cs] and teacher tap F_t [N, H, W, Ct], width C:
//   u = F_t W_t + b_t,  v = F_s W_s + b_s                         (1x1 projections to C channels)
//   K = [u, v, u ⊙ v] W_k + b_k                                   knowledge: both features and their correlation
//   a = softmax_j (F_s W_d + b_d), j over the 9 offsets of a 3x3  texture-aware dynamic kernel per position
//   T_t(p) = Σ_j a_j(p) K(p + δ_j),  T_s(p) = Σ_j a_j(p) v(p + δ_j)   (zero padding at the border)
//   L_kd = mean |T_s - T_t|   (or squared, distance: l2)         texture supervision of the student
// Meta-learning (the auxiliary update after each `every`-th student step; ../meta/meta-gradient.ts):
// the batch is split in halves A, B; a virtual plain-gradient student step of size α = the student's
// current learning rate on the distillation term over A (L_kd only, unweighted), then the student's L1
// (l2 with distance: l2) reconstruction loss on B; its gradient w.r.t. φ (second order, by a central difference of first-order
// gradients, DARTS; radius `eps`) trains φ with Adam (lr `lr`). φ is not trained by the student's
// objective (otherwise it would learn to make L_kd vanish).
// Choices, all ours: the three formulas above, C = 16, L1, the half-batch split, α = the student's lr
// with plain SGD (the student itself uses Adam), eps = 1e-2, KRNet Adam lr 1e-3, initialisation
// (PyTorch-default 1x1 convs; the kernel predictor's weights start at 0, so a starts uniform).
import { z } from 'zod';
import { tf, Rng } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor4D, Variable } from '@kdlab/engine';
import type { AuxiliaryNetwork, StudentStep } from '../auxiliary';
import { metaGradient } from '../meta/meta-gradient';
import type { MethodSource } from '../source';
import { DistillLoss, registerLoss } from '../loss';

const PAD1: [number, number][] = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0],
];

/** [N, H, W, C] -> the 3x3 neighbourhood [N, H, W, 9, C] (zero padding), offsets row-major. */
function neighbours(x: Tensor): Tensor {
  const [n, h, w, c] = x.shape;
  const p = tf.pad(x, PAD1);
  const shifts: Tensor[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) shifts.push(p.slice([0, i, j, 0], [n, h, w, c]));
  return tf.stack(shifts, 3);
}

function conv1x1(x: Tensor, w: Variable, b: Variable): Tensor {
  return tf.conv2d(x as Tensor4D, w as unknown as Tensor4D, 1, 'valid').add(b);
}

export class MetaKdLoss extends DistillLoss {
  readonly name = 'meta-kd';
  override readonly needsSameChannels = false;
  readonly auxiliary: AuxiliaryNetwork;
  /** W_t, b_t, W_s, b_s, W_k, b_k, W_d, b_d. */
  private phi: Variable[] = [];

  constructor(readonly o: { width: number; eps: number; every: number; lr: number; beta1: number; beta2: number; distance: 'l1' | 'l2' }) {
    super();
    const self = this;
    this.auxiliary = {
      get weights(): Variable[] {
        return self.phi;
      },
      optimizer: { lr: o.lr, beta1: o.beta1, beta2: o.beta2 },
      beginStep: (step: number) => step % o.every === 0,
      loss: (student: Tensor, teacher: Tensor) => self.compute(student, teacher),
      metaGradients: (step: StudentStep) => self.metaStep(step),
    };
  }

  override build(channels: { student?: number; teacher?: number }, seed: number): void {
    const { student: cs, teacher: ct } = channels;
    if (!cs || !ct) throw new Error(`loss 'meta-kd': KRNet needs the channel counts of both taps (got ${JSON.stringify(channels)})`);
    const rng = new Rng(seed);
    const c = this.o.width;
    const dense = (cin: number, cout: number) => {
      const b = 1 / Math.sqrt(cin);
      return [tf.variable(tf.randomUniform([1, 1, cin, cout], -b, b, 'float32', rng.seed())), tf.variable(tf.randomUniform([cout], -b, b, 'float32', rng.seed()))];
    };
    this.phi = [...dense(ct, c), ...dense(cs, c), ...dense(3 * c, c), tf.variable(tf.zeros([1, 1, cs, 9])), tf.variable(tf.zeros([9]))];
  }

  /** KRNet weights, for tests that fix them. */
  get weights(): Variable[] {
    return this.phi;
  }

  compute(student: Tensor, teacher: Tensor): Scalar {
    this.assertSameGrid(student, teacher);
    if (this.phi.length === 0) throw new Error("loss 'meta-kd': build() was not called (the objective builds KRNet from the taps' channels)");
    const [wt, bt, ws, bs, wk, bk, wd, bd] = this.phi;
    if (student.shape[3] !== ws.shape[2] || teacher.shape[3] !== wt.shape[2]) {
      throw new Error(`loss 'meta-kd': KRNet was built for ${ws.shape[2]} student / ${wt.shape[2]} teacher channels, got [${student.shape}] and [${teacher.shape}]`);
    }
    return tf.tidy(() => {
      const u = conv1x1(teacher, wt, bt);
      const v = conv1x1(student, ws, bs);
      const k = conv1x1(tf.concat([u, v, u.mul(v)], -1), wk, bk);
      const a = conv1x1(student, wd, bd).softmax().expandDims(-1); // [N, H, W, 9, 1]
      const tt = neighbours(k).mul(a).sum(3);
      const ts = neighbours(v).mul(a).sum(3);
      return this.distance(ts, tt);
    });
  }

  private distance(a: Tensor, b: Tensor): Scalar {
    return tf.tidy(() => (this.o.distance === 'l1' ? a.sub(b).abs() : a.sub(b).square()).mean() as Scalar);
  }

  /** One meta-gradient of KRNet: virtual step on half A of the batch, reconstruction on half B. */
  metaStep(step: StudentStep): { grads: Tensor[]; value: number } {
    const n = step.input.shape[0];
    if (n < 2) throw new Error(`loss 'meta-kd': the meta step splits the batch in two and needs at least 2 images, got ${n}`);
    const half = Math.floor(n / 2);
    const rows = (t: Tensor, from: number, count: number) => t.slice([from, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1)]);
    const sliceTaps = (taps: NonNullable<StudentStep['teacher']>) => ({ output: rows(taps.output, 0, half), features: Object.fromEntries(Object.entries(taps.features).map(([k, v]) => [k, rows(v, 0, half)])) });
    const xA = rows(step.input, 0, half);
    const yA = rows(step.target, 0, half);
    const xB = rows(step.input, half, n - half);
    const yB = rows(step.target, half, n - half);
    const teacherA = step.teacher ? sliceTaps(step.teacher) : null;
    try {
      const r = metaGradient({
        theta: step.weights,
        phi: this.phi,
        alpha: step.lr,
        eps: this.o.eps,
        kdLoss: () => {
          const [s, t] = step.pick(step.forward(xA), teacherA, yA);
          return this.compute(s, t);
        },
        recLoss: () => this.distance(step.forward(xB).output, yB),
      });
      return { grads: r.grads, value: r.recAfter };
    } finally {
      tf.dispose([xA, yA, xB, yB]);
      if (teacherA) tf.dispose([teacherA.output, ...Object.values(teacherA.features)]);
    }
  }

  override dispose(): void {
    tf.dispose(this.phi);
    this.phi = [];
  }
}

const SOURCE: MethodSource = {
  level: 'abstract-only',
  reference: 'Learning Knowledge Representation with Meta Knowledge Distillation for Single Image Super-Resolution, arXiv 2207.08356: abstract only (no code released)',
  deviations: [
    'every formula is ours: KRNet = 1x1 projections, knowledge [u, v, u*v] -> 1x1, softmax 3x3 dynamic kernels from the student, L1 between kernel-filtered student and knowledge',
    'meta step: half-batch split, virtual plain-gradient step at the student lr, L1 reconstruction on the other half, second-order meta-gradient by a central difference of first-order gradients (DARTS)',
    'width 16, eps 1e-2, KRNet Adam lr 1e-3, meta step every step: ours',
  ],
};

registerLoss(
  'meta-kd',
  z
    .object({
      width: z.number().int().positive().default(16),
      eps: z.number().positive().default(1e-2),
      every: z.number().int().positive().default(1),
      /** Of both the texture term and the meta step's reconstruction loss: l1 (default), or l2 (smooth: the finite-difference test uses it). */
      distance: z.enum(['l1', 'l2']).default('l1'),
      lr: z.number().positive().default(1e-3),
      beta1: z.number().min(0).max(1).default(0.9),
      beta2: z.number().min(0).max(1).default(0.999),
    })
    .strict(),
  (o) => new MetaKdLoss(o),
  SOURCE,
);
