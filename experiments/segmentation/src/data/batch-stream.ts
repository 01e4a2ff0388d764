// Training batches: each crop from a training image drawn uniformly at random, at a
// uniformly random position, then augmented (augment.ts). Every draw comes from the
// runner's data RNG, whose state the runner checkpoints, so the stream's own state is
// only a counter.
import { tf } from '@kdlab/engine';
import type { Rng } from '@kdlab/engine';
import type { Batch, BatchStream } from '@kdlab/runner';
import type { SegAugment } from '../schema';
import { augmentCrop } from './augment';
import type { GlasImage } from './glas';
import { normalise, type ChannelStats } from './normalise';

export class CropBatches implements BatchStream {
  private drawn = 0;

  constructor(
    private readonly images: GlasImage[],
    private readonly opts: { crop: number; batch: number; augment: SegAugment; stats: ChannelStats },
    private readonly rng: Rng,
  ) {
    const small = images.find((g) => g.image.height < opts.crop || g.image.width < opts.crop);
    if (small) throw new Error(`data.crop ${opts.crop} is larger than training image ${small.name} (${small.image.width}x${small.image.height} after downsampling)`);
    if (images.length === 0) throw new Error('segmentation: no training images');
  }

  /** One crop (before augmentation) of image `g` at (y, x). */
  static cut(g: GlasImage, y: number, x: number, s: number): { rgb: Uint8Array; mask: Uint8Array } {
    const { width: w, data } = g.image;
    const rgb = new Uint8Array(s * s * 3);
    const mask = new Uint8Array(s * s);
    for (let r = 0; r < s; r++) {
      rgb.set(data.subarray(((y + r) * w + x) * 3, ((y + r) * w + x + s) * 3), r * s * 3);
      mask.set(g.mask.subarray((y + r) * w + x, (y + r) * w + x + s), r * s);
    }
    return { rgb, mask };
  }

  next(): Batch {
    const { crop: s, batch, augment, stats } = this.opts;
    const input = new Float32Array(batch * s * s * 3);
    const target = new Float32Array(batch * s * s * 2);
    for (let i = 0; i < batch; i++) {
      const g = this.images[this.rng.int(this.images.length)];
      const y = this.rng.int(g.image.height - s + 1);
      const x = this.rng.int(g.image.width - s + 1);
      const cut = CropBatches.cut(g, y, x, s);
      const crop = augmentCrop(cut.rgb, cut.mask, s, augment, this.rng);
      normalise(crop.rgb, stats, input, i * s * s * 3);
      for (let p = 0; p < s * s; p++) target[(i * s * s + p) * 2 + crop.mask[p]] = 1;
    }
    this.drawn++;
    return { input: tf.tensor4d(input, [batch, s, s, 3]), target: tf.tensor4d(target, [batch, s, s, 2]) };
  }

  getState(): { drawn: number } {
    return { drawn: this.drawn };
  }

  setState(state: unknown): void {
    const d = (state as { drawn?: unknown })?.drawn;
    if (typeof d !== 'number') throw new Error(`segmentation batch stream: bad checkpoint state ${JSON.stringify(state)}`);
    this.drawn = d;
  }
}
