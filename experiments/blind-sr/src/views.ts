// What a model sees: the LR image alone, or LR ⊕ PixelUnshuffle(HR) (KDSR's KD-IDE teacher,
// KDSR-classic/trainer_iso_stage4.py: torch.cat([lr_blur, nn.PixelUnshuffle(scale)(hr)], dim=1)),
// with @kdlab/backbones' pixelUnshuffle in PyTorch's channel order.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { pixelUnshuffle } from '@kdlab/backbones';
import type { InputView } from './schema';

/** The model input for `view` from an LR batch and its HR batch (the caller keeps both). */
export function inputFor(view: InputView, lr: Tensor, hr: Tensor, scale: number): Tensor {
  if (view === 'lr') return lr.clone();
  return tf.tidy(() => tf.concat([lr, pixelUnshuffle(hr, scale)], 3));
}
