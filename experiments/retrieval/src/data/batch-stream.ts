// Training groups: per step, `batch` distinct training images (epochs of a seeded permutation),
// each with one of its five captions as the positive (slot 1 of the group) and `negatives`
// captions of other images drawn at random (slots 2..), as METER/DCD's draw_false_text. The
// target is one-hot on the positive ([B, 1 + negatives], column 0). Draws come from the runner's
// data Rng, whose state the runner checkpoints beside this stream's.
import { tf, Rng } from '@kdlab/engine';
import type { Batch, BatchStream } from '@kdlab/runner';
import { packGroup, slotWidth, type Layout } from '../model/layout';
import { TEXT_DIM, type SplitFeatures } from './features';

interface State {
  epoch: number;
  cursor: number;
  permutationSeed: number;
}

function permutation(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  new Rng(seed).shuffle(order);
  return order;
}

/** Packs image `i` with captions `caps` as group `g` of `out`. */
export function packFeatures(out: Float32Array, f: SplitFeatures, g: number, image: number, caps: number[]): void {
  const layout: Layout = { imageSize: f.imageSize, tokens: f.tokens, textDim: TEXT_DIM };
  const per = f.imageSize * f.imageSize * 3;
  packGroup(out, layout, g, caps.length, f.pixels.subarray(image * per, (image + 1) * per), (k) => ({
    states: f.states.subarray(caps[k] * f.tokens * TEXT_DIM, (caps[k] + 1) * f.tokens * TEXT_DIM),
    mask: f.mask.subarray(caps[k] * f.tokens, (caps[k] + 1) * f.tokens),
  }));
}

export class RetrievalBatches implements BatchStream {
  private state: State;
  private order: number[];
  private readonly images: number;

  constructor(private readonly f: SplitFeatures, private readonly opts: { batch: number; negatives: number }, private readonly rng: Rng) {
    this.images = f.split.images.length;
    if (opts.batch > this.images) throw new Error(`config.data.batch ${opts.batch} is larger than the ${this.images} training images`);
    if (opts.negatives >= f.captionImage.length - 5) throw new Error(`config.data.negatives ${opts.negatives}: too many for ${f.captionImage.length} captions`);
    this.state = { epoch: 0, cursor: 0, permutationSeed: rng.seed() };
    this.order = permutation(this.images, this.state.permutationSeed);
  }

  private nextImages(): number[] {
    if (this.state.cursor + this.opts.batch > this.order.length) {
      this.state = { epoch: this.state.epoch + 1, cursor: 0, permutationSeed: this.rng.seed() };
      this.order = permutation(this.images, this.state.permutationSeed);
    }
    const idx = this.order.slice(this.state.cursor, this.state.cursor + this.opts.batch);
    this.state.cursor += this.opts.batch;
    return idx;
  }

  next(): Batch {
    const { batch, negatives } = this.opts;
    const c = 1 + negatives;
    const w = slotWidth({ imageSize: this.f.imageSize, tokens: this.f.tokens, textDim: TEXT_DIM });
    const input = new Float32Array(batch * (1 + c) * w);
    const target = new Float32Array(batch * c);
    const captions = this.f.captionImage.length;
    this.nextImages().forEach((img, g) => {
      const caps = [img * 5 + this.rng.int(5)];
      const used = new Set(caps);
      while (caps.length < c) {
        const j = this.rng.int(captions);
        if (this.f.captionImage[j] === img || used.has(j)) continue;
        used.add(j);
        caps.push(j);
      }
      packFeatures(input, this.f, g, img, caps);
      target[g * c] = 1;
    });
    return { input: tf.tensor4d(input, [batch, 1 + c, w, 1]), target: tf.tensor2d(target, [batch, c]) };
  }

  getState(): State {
    return { ...this.state };
  }

  setState(s: unknown): void {
    const st = s as State;
    if (typeof st?.epoch !== 'number' || typeof st.cursor !== 'number' || typeof st.permutationSeed !== 'number') throw new Error(`retrieval batches: bad state ${JSON.stringify(s)}`);
    this.state = { ...st };
    this.order = permutation(this.images, st.permutationSeed);
  }
}
