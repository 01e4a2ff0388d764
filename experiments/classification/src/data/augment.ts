// The standard CIFAR augmentation (He et al. 2016; every KD paper's CIFAR
// code): zero-pad 4 pixels on each side, take a random crop of the original
// size, flip horizontally with probability 1/2. Done on uint8 HWC images in
// plain JS (a 64-image batch takes well under a millisecond), every draw from
// the caller's Rng so batches are reproducible.
import type { Rng } from '@kdlab/engine';

export interface AugmentOptions {
  /** Zero padding before the random crop (4 for CIFAR; 0 disables the crop). */
  pad: number;
  flip: boolean;
}

/**
 * Writes the augmented copy of `src` (h x w x c) into `dst` at `offset`.
 * Draw order per image: crop top, crop left, flip — fixed, so the stream of a
 * seed never changes.
 */
export function augmentInto(src: Uint8Array, h: number, w: number, c: number, opts: AugmentOptions, rng: Rng, dst: Uint8Array, offset: number): void {
  const dy = opts.pad > 0 ? rng.int(2 * opts.pad + 1) - opts.pad : 0;
  const dx = opts.pad > 0 ? rng.int(2 * opts.pad + 1) - opts.pad : 0;
  const flip = opts.flip && rng.next() < 0.5;
  for (let y = 0; y < h; y++) {
    const sy = y + dy;
    for (let x = 0; x < w; x++) {
      const sx = (flip ? w - 1 - x : x) + dx;
      const d = offset + (y * w + x) * c;
      if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
        for (let k = 0; k < c; k++) dst[d + k] = 0;
      } else {
        const s = (sy * w + sx) * c;
        for (let k = 0; k < c; k++) dst[d + k] = src[s + k];
      }
    }
  }
}
