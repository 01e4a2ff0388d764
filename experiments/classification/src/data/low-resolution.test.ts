// Pixel distillation's two views: one augmentation draw gives the teacher's HR image and the
// student's LR image, which is exactly MATLAB-bicubic imresize of that HR image.
import { Rng, tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { imresizeBicubic } from '@kdlab/data';
import { ClassificationBatches } from './batch-stream';
import type { LabelledImages } from './labelled-images';
import { shrinkAll } from './low-resolution';
import { channelStats, normaliseInto, type ChannelStats } from './normalise';

/** 8x8 RGB images with smooth, image-specific content (so crops, flips and resizing all change them). */
function fake(n: number, size = 8): LabelledImages {
  const c = 3;
  const images = new Uint8Array(n * size * size * c);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        for (let k = 0; k < c; k++) images[((i * size + y) * size + x) * c + k] = (i * 53 + y * 29 + x * 11 + k * 71 + x * y * 3) % 256;
  return { images, labels: Uint8Array.from({ length: n }, (_, i) => i % 2), height: size, width: size, channels: c, classes: ['a', 'b'] };
}

/** Normalised HR values back to their uint8 pixels (exact: they came from uint8). */
function pixelsOf(x: Tensor, stats: ChannelStats): Uint8Array {
  const v = x.dataSync();
  const c = stats.mean.length;
  return Uint8Array.from(v as Float32Array, (z: number, i: number) => Math.round((z * stats.std[i % c] + stats.mean[i % c]) * 255));
}

describe('low-resolution views (pixel distillation)', () => {
  const data = fake(10);
  const stats = channelStats(data);
  const augment = { pad: 2, flip: true };

  it.each([2, 4] as const)('factor %i: the LR input is imresize of the HR view of the same augmentation draw', (factor) => {
    const two = new ClassificationBatches(data, { batch: 4, augment, stats, lrFactor: factor }, new Rng(7));
    const one = new ClassificationBatches(data, { batch: 4, augment, stats }, new Rng(7));
    for (let b = 0; b < 3; b++) {
      const pair = two.next();
      const hr = one.next();
      expect(pair.teacherInput).toBeDefined();
      // The teacher's view is the single-view stream's batch: the LR view drew nothing from the Rng.
      expect(Array.from(pair.teacherInput!.dataSync())).toEqual(Array.from(hr.input.dataSync()));
      expect(Array.from(pair.target.dataSync())).toEqual(Array.from(hr.target.dataSync()));
      expect(pair.input.shape).toEqual([4, 8 / factor, 8 / factor, 3]);
      // The student's view: bicubic imresize of each augmented HR image, normalised with the same statistics.
      const pixels = pixelsOf(pair.teacherInput!, stats);
      const per = 8 * 8 * 3;
      const want = new Float32Array(pair.input.size);
      const perSmall = want.length / 4;
      for (let i = 0; i < 4; i++) {
        const small = imresizeBicubic({ data: pixels.subarray(i * per, (i + 1) * per), height: 8, width: 8, channels: 3 }, 1 / factor);
        normaliseInto(small.data, 3, stats, want.subarray(i * perSmall, (i + 1) * perSmall));
      }
      const got = pair.input.dataSync();
      expect(Math.max(...Array.from(got, (g, k) => Math.abs(g - want[k])))).toBeLessThan(1e-5);
      tf.dispose([pair.input, pair.target, pair.teacherInput!, hr.input, hr.target]);
    }
  });

  it('the augmentation is really drawn: another seed gives other HR views, and LR views change with them', () => {
    const a = new ClassificationBatches(data, { batch: 4, augment, stats, lrFactor: 2 }, new Rng(1)).next();
    const b = new ClassificationBatches(data, { batch: 4, augment, stats, lrFactor: 2 }, new Rng(2)).next();
    expect(Array.from(a.teacherInput!.dataSync())).not.toEqual(Array.from(b.teacherInput!.dataSync()));
    expect(Array.from(a.input.dataSync())).not.toEqual(Array.from(b.input.dataSync()));
    tf.dispose([a.input, a.target, a.teacherInput!, b.input, b.target, b.teacherInput!]);
  });

  it('test images are shrunk whole; a factor that does not divide the size is refused, naming data.lrFactor', () => {
    const small = shrinkAll(data, 4, 'config.data.lrFactor of fake');
    expect([small.height, small.width, small.images.length]).toEqual([2, 2, 10 * 2 * 2 * 3]);
    const first = imresizeBicubic({ data: data.images.subarray(0, 192), height: 8, width: 8, channels: 3 }, 1 / 4);
    expect(Array.from(small.images.subarray(0, 12))).toEqual(Array.from(first.data));
    expect(shrinkAll(data, 1, 'x')).toBe(data);
    expect(() => shrinkAll(fake(2, 6), 4, 'config.data.lrFactor of fake')).toThrow(/config.data.lrFactor of fake: data.lrFactor 4 does not divide the 6x6 images/);
  });
});
