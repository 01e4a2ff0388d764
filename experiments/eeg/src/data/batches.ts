// Training batches: the training trials in a seeded random order, reshuffled every pass (epoch),
// as [batch, electrodes, samples, 1] with one-hot targets. Resumable: the state is the pass's
// permutation and the position in it.
import { tf } from '@kdlab/engine';
import type { Rng } from '@kdlab/engine';
import type { Batch, BatchStream } from '@kdlab/runner';
import type { Epochs } from './epochs';

interface State { order: number[]; pos: number }

export class EpochBatches implements BatchStream {
  private order: number[] = [];
  private pos = 0;

  constructor(private readonly e: Epochs, private readonly classes: number, private readonly batch: number, private readonly rng: Rng) {
    if (e.n < batch) throw new Error(`config.data.batch: ${batch} is larger than the ${e.n} training trials`);
  }

  private reshuffle(): void {
    this.order = Array.from({ length: this.e.n }, (_, i) => i);
    for (let i = this.order.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      [this.order[i], this.order[j]] = [this.order[j], this.order[i]];
    }
    this.pos = 0;
  }

  next(): Batch {
    // Whole batches only: the remainder of a pass is dropped (as drop_last), so every step sees `batch` trials.
    if (this.pos + this.batch > this.order.length) this.reshuffle();
    const idx = this.order.slice(this.pos, this.pos + this.batch);
    this.pos += this.batch;
    const per = this.e.electrodes * this.e.samples;
    const x = new Float32Array(idx.length * per);
    idx.forEach((i, k) => x.set(this.e.x.subarray(i * per, (i + 1) * per), k * per));
    const labels = idx.map((i) => this.e.y[i]);
    return {
      input: tf.tensor4d(x, [idx.length, this.e.electrodes, this.e.samples, 1]),
      target: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), this.classes).toFloat()),
    };
  }

  getState(): State {
    return { order: [...this.order], pos: this.pos };
  }

  setState(state: unknown): void {
    const s = state as State;
    this.order = [...s.order];
    this.pos = s.pos;
  }
}
