// Alternating updates of the auxiliary networks of distillation losses (a WGAN
// critic, a paraphraser; see libs/kd/src/auxiliary.ts): after each student step,
// each auxiliary network that trains at that step takes one Adam step of its own on
// its own objective, with the tensors of that step (the student's as it produced them
// before its update, the teacher's), the order of GAN training loops (generator step,
// then discriminator step on the same batch, as in Zou & Sun's Graph Flow code).
// Its weights and optimiser slots go into every checkpoint (group 'auxiliary'), so a
// resumed run continues them. The loop calls: begin(step) before the student step,
// keep() on the student's taps inside it, update() after it.
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor, TensorContainer } from '@kdlab/engine';
import type { DistillationObjective, StudentStep, Taps } from '@kdlab/kd';
import { assignStored, toStored, type StoredTensor } from '../checkpoint/stored';
import { optimizerSchema } from '../config/schema';
import { TrainOptimizer } from '../optim/optimizer';

type Part = ReturnType<DistillationObjective['auxiliaries']>[number] & { optimizer: TrainOptimizer; training: boolean };

export const auxiliaryMetric = (term: string) => `train/aux/${term}`;

export class AuxiliaryUpdates {
  private readonly parts: Part[];
  private kept: Taps | null = null;

  constructor(objective: DistillationObjective) {
    this.parts = objective.auxiliaries().map((a) => ({ ...a, training: false, optimizer: new TrainOptimizer(optimizerSchema.parse({ kind: 'adam', ...a.network.optimizer })) }));
  }

  get active(): boolean {
    return this.parts.length > 0;
  }

  begin(step: number): void {
    for (const p of this.parts) p.training = p.network.beginStep(step);
  }

  /** Keeps the student's taps of the step (inside the student's minimize) for the update after it. */
  keep(student: Taps): void {
    if (!this.parts.some((p) => p.training)) return;
    this.kept = { output: tf.keep(student.output.clone()), features: Object.fromEntries(Object.entries(student.features).map(([k, v]) => [k, tf.keep(v.clone())])) };
  }

  /**
   * One step of every auxiliary network that trains now; returns its loss per term for logging.
   * `student` is what a meta-learned network (one with metaGradients) needs of the student step.
   */
  update(teacher: Taps | null, target: Tensor, student?: Omit<StudentStep, 'teacher' | 'target' | 'pick'>): Record<string, number> {
    const values: Record<string, number> = {};
    const kept = this.kept;
    this.kept = null;
    if (!kept) return values;
    try {
      for (const p of this.parts) {
        if (!p.training) continue;
        if (p.network.metaGradients) {
          if (!student) throw new Error(`auxiliary network of term '${p.term}' is meta-learned and needs the student step (weights, forward, input)`);
          const { grads, value } = p.network.metaGradients({ ...student, teacher, target, pick: p.pick });
          p.optimizer.optimizer.applyGradients(Object.fromEntries(p.network.weights.map((w, i) => [w.name, grads[i]])));
          tf.dispose(grads);
          values[auxiliaryMetric(p.term)] = value;
          continue;
        }
        const [s, t] = p.pick(kept, teacher, target);
        const cost = p.optimizer.optimizer.minimize(() => p.network.loss(s, t), true, p.network.weights) as Scalar;
        values[auxiliaryMetric(p.term)] = cost.dataSync()[0];
        cost.dispose();
      }
    } finally {
      tf.dispose(kept as unknown as TensorContainer);
    }
    return values;
  }

  /** Weights then optimiser slots of every part, for the checkpoint; and the optimisers' extra state. */
  async state(): Promise<{ tensors: StoredTensor[]; extra: Record<string, number>[] }> {
    const tensors: StoredTensor[] = [];
    const extra: Record<string, number>[] = [];
    for (const p of this.parts) {
      p.network.weights.forEach((w, i) => tensors.push(toStored(`aux/${p.term}/${i}`, w)));
      const o = await p.optimizer.getState();
      tensors.push(...o.weights.map((w) => ({ ...w, name: `aux/${p.term}/opt/${w.name}` })));
      extra.push(o.extra);
    }
    return { tensors, extra };
  }

  async restore(where: string, tensors: StoredTensor[], extra: Record<string, number>[] | undefined): Promise<void> {
    let at = 0;
    for (const [k, p] of this.parts.entries()) {
      const n = p.network.weights.length;
      assignStored(`${where} (auxiliary '${p.term}')`, p.network.weights, tensors.slice(at, at + n));
      at += n;
      const prefix = `aux/${p.term}/opt/`;
      const opt: StoredTensor[] = [];
      while (at < tensors.length && tensors[at].name.startsWith(prefix)) opt.push({ ...tensors[at++], name: tensors[at - 1].name.slice(prefix.length) });
      if (opt.length > 0) await p.optimizer.setState({ weights: opt, extra: extra?.[k] ?? {} });
    }
    if (at !== tensors.length) throw new Error(`${where}: the checkpoint holds ${tensors.length} auxiliary tensors, the objective's auxiliary networks take ${at}`);
  }

  dispose(): void {
    if (this.kept) tf.dispose(this.kept as unknown as TensorContainer);
    for (const p of this.parts) p.optimizer.dispose();
  }
}
