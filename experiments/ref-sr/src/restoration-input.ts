// The restoration network's input at the LR grid (libs/backbones c2-restoration): LR ⊕
// PixelUnshuffle(reference, s) ⊕ flow, so one tensor carries the image, the reference at full detail and
// where the matcher found each LR cell in it. The reference must have the HR input's size.
import { tf } from '@kdlab/engine';
import type { Tensor4D } from '@kdlab/engine';
import { pixelUnshuffle } from '@kdlab/backbones';

export function restorationInput(lr: Tensor4D, reference: Tensor4D, flow: Tensor4D, scale: number): Tensor4D {
  const [n, h, w] = lr.shape;
  if (reference.shape[0] !== n || reference.shape[1] !== h * scale || reference.shape[2] !== w * scale) {
    throw new Error(`restorationInput: reference [${reference.shape}] must be the HR size of the LR batch [${lr.shape}] x${scale}`);
  }
  if (flow.shape.join() !== [n, h, w, 2].join()) throw new Error(`restorationInput: flow [${flow.shape}] must be [${n}, ${h}, ${w}, 2] (the LR grid)`);
  return tf.tidy(() => tf.concat([lr, pixelUnshuffle(reference, scale) as Tensor4D, flow], 3));
}
