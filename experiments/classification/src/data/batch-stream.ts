// Training batches for classification: epochs of a seeded permutation, each
// image augmented, normalised, and its label one-hot encoded. The state (epoch,
// position, the permutation's seed) is tiny, so checkpoints stay small; the
// augmentation draws come from the runner's data Rng, whose state the runner
// saves beside this one. With `lrFactor` > 1 (pixel distillation) a batch has two
// views of each image from one augmentation draw: the student's input is the
// augmented image shrunk by bicubic imresize, the teacher's (`teacherInput`) the
// augmented image itself.
import { tf, Rng } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { augmentInto, type AugmentOptions } from './augment';
import { normaliseInto, type ChannelStats } from './normalise';
import type { LabelledImages } from './labelled-images';
import { lrSize, shrinkInto, type LrFactor } from './low-resolution';

export interface ClassificationBatchState {
  epoch: number;
  cursor: number;
  permutationSeed: number;
}

export interface ClassificationBatch {
  /** [batch, h, w, c] float32, normalised. */
  input: Tensor;
  /** [batch, classes] float32 one-hot. */
  target: Tensor;
  /** [batch, H, W, c]: the high-resolution view the LR `input` was made from (lrFactor > 1 only). */
  teacherInput?: Tensor;
}

export function permutation(n: number, seed: number): Uint32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  new Rng(seed).shuffle(order);
  return Uint32Array.from(order);
}

export class ClassificationBatches {
  private state: ClassificationBatchState;
  private order: Uint32Array;

  constructor(
    private readonly data: LabelledImages,
    private readonly opts: { batch: number; augment: AugmentOptions; stats: ChannelStats; lrFactor?: LrFactor },
    private readonly rng: Rng,
  ) {
    if (opts.batch > data.labels.length) throw new Error(`batch ${opts.batch} is larger than the ${data.labels.length} training images`);
    this.state = { epoch: 0, cursor: 0, permutationSeed: rng.seed() };
    this.order = permutation(data.labels.length, this.state.permutationSeed);
  }

  /** Indices of the next batch; a new permutation once fewer than a batch remain (the tail is dropped, as drop_last). */
  private nextIndices(): Uint32Array {
    if (this.state.cursor + this.opts.batch > this.order.length) {
      this.state = { epoch: this.state.epoch + 1, cursor: 0, permutationSeed: this.rng.seed() };
      this.order = permutation(this.data.labels.length, this.state.permutationSeed);
    }
    const idx = this.order.subarray(this.state.cursor, this.state.cursor + this.opts.batch);
    this.state.cursor += this.opts.batch;
    return idx;
  }

  next(): ClassificationBatch {
    const { height: h, width: w, channels: c, images, labels, classes } = this.data;
    const per = h * w * c;
    const idx = this.nextIndices();
    const pixels = new Uint8Array(idx.length * per);
    const onehot = new Float32Array(idx.length * classes.length);
    idx.forEach((src, i) => {
      augmentInto(images.subarray(src * per, (src + 1) * per), h, w, c, this.opts.augment, this.rng, pixels, i * per);
      onehot[i * classes.length + labels[src]] = 1;
    });
    const target = tf.tensor2d(onehot, [idx.length, classes.length]);
    const factor = this.opts.lrFactor ?? 1;
    if (factor === 1) return { input: this.normalised(pixels, [idx.length, h, w, c]), target };
    // The LR view of each augmented image: no further draws, so the stream of a seed is unchanged.
    const [sh, sw] = lrSize(h, w, factor, 'classification batches');
    const perSmall = sh * sw * c;
    const small = new Uint8Array(idx.length * perSmall);
    for (let i = 0; i < idx.length; i++) shrinkInto(pixels.subarray(i * per, (i + 1) * per), h, w, c, factor, small, i * perSmall);
    return { input: this.normalised(small, [idx.length, sh, sw, c]), target, teacherInput: this.normalised(pixels, [idx.length, h, w, c]) };
  }

  private normalised(pixels: Uint8Array, shape: [number, number, number, number]): Tensor {
    const values = new Float32Array(pixels.length);
    normaliseInto(pixels, shape[3], this.opts.stats, values);
    return tf.tensor4d(values, shape);
  }

  get epoch(): number {
    return this.state.epoch;
  }

  getState(): ClassificationBatchState {
    return { ...this.state };
  }

  setState(s: unknown): void {
    const st = s as ClassificationBatchState;
    if (!st || typeof st.epoch !== 'number' || typeof st.cursor !== 'number' || typeof st.permutationSeed !== 'number') {
      throw new Error(`classification batch state: expected {epoch, cursor, permutationSeed}, got ${JSON.stringify(s)}`);
    }
    this.state = { ...st };
    this.order = permutation(this.data.labels.length, st.permutationSeed);
  }
}
