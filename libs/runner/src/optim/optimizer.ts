// TF.js optimisers with two things a resumable runner needs and TF.js does not
// offer publicly: changing the learning rate per step, and saving the full
// state. Both reach into fields of the TF.js 4.x classes, so they live here,
// in one place, with a test that fails if TF.js changes them.
import { flatAdam, tf } from '@kdlab/engine';
import type { Optimizer, Tensor } from '@kdlab/engine';
import type { OptimizerConfig } from '../config/schema';
import { fromStored, toStored, type StoredTensor } from '../checkpoint/stored';

export interface OptimizerState {
  /** `optimizer.getWeights()`: iterations, then the slot variables in variable order. */
  weights: StoredTensor[];
  /**
   * Adam's running beta powers. TF.js's setWeights() recomputes them as
   * pow(beta, t+1), which differs in the last bits from the product it
   * accumulates while training; keeping them makes a resumed run bit-identical.
   */
  extra: Record<string, number>;
}

type AdamInternals = { learningRate: number; accBeta1: Tensor & { assign(t: Tensor): void }; accBeta2: Tensor & { assign(t: Tensor): void } };
type SgdInternals = { setLearningRate(lr: number): void };

export class TrainOptimizer {
  readonly optimizer: Optimizer;

  constructor(readonly config: OptimizerConfig) {
    this.optimizer =
      config.kind === 'adam'
        ? flatAdam(config.lr, config.beta1, config.beta2, config.epsilon) // tf.train.adam's numbers, fewer ops
        : config.momentum > 0
          ? tf.train.momentum(config.lr, config.momentum)
          : tf.train.sgd(config.lr);
  }

  setLearningRate(lr: number): void {
    if (this.config.kind === 'adam') (this.optimizer as unknown as AdamInternals).learningRate = lr;
    else (this.optimizer as unknown as SgdInternals).setLearningRate(lr);
  }

  get learningRate(): number {
    return (this.optimizer as unknown as { learningRate: number }).learningRate;
  }

  async getState(): Promise<OptimizerState> {
    const named = await this.optimizer.getWeights();
    const weights = named.map((w) => toStored(w.name, w.tensor));
    // The first entry (iterations) is a fresh scalar; the rest are live slot variables.
    if (named.length > 0) named[0].tensor.dispose();
    const extra: Record<string, number> = {};
    if (this.config.kind === 'adam') {
      const a = this.optimizer as unknown as AdamInternals;
      extra.accBeta1 = a.accBeta1.dataSync()[0];
      extra.accBeta2 = a.accBeta2.dataSync()[0];
    }
    return { weights, extra };
  }

  async setState(state: OptimizerState): Promise<void> {
    const named = state.weights.map((w) => ({ name: w.name, tensor: fromStored(w) }));
    await this.optimizer.setWeights(named);
    // setWeights made variables of its own from these.
    tf.dispose(named.map((n) => n.tensor));
    if (this.config.kind === 'adam') {
      const a = this.optimizer as unknown as AdamInternals;
      tf.tidy(() => {
        a.accBeta1.assign(tf.scalar(state.extra.accBeta1));
        a.accBeta2.assign(tf.scalar(state.extra.accBeta2));
      });
    }
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
