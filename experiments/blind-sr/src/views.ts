// What a model sees: the LR image alone, or LR ⊕ PixelUnshuffle(HR) (KDSR's KD-IDE teacher,
// KDSR-classic/trainer_iso_stage4.py: torch.cat([lr_blur, nn.PixelUnshuffle(scale)(hr)], dim=1)).
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D } from '@kdlab/engine';
import type { InputView } from './schema';

/**
 * nn.PixelUnshuffle on NHWC: out[n, h, w, c·r² + i·r + j] = in[n, h·r + i, w·r + j, c]
 * (PyTorch's channel order, so the teacher's first conv sees the layout the released code feeds).
 */
export function pixelUnshuffle(x: Tensor, r: number): Tensor4D {
  if (x.rank !== 4) throw new Error(`pixelUnshuffle: expected an NHWC tensor, got shape [${x.shape}]`);
  const [n, hr, wr, c] = x.shape as [number, number, number, number];
  if (hr % r !== 0 || wr % r !== 0) throw new Error(`pixelUnshuffle: size ${hr}x${wr} is not a multiple of ${r}`);
  const h = hr / r;
  const w = wr / r;
  return tf.tidy(() => x.reshape([n, h, r, w, r, c]).transpose([0, 1, 3, 5, 2, 4]).reshape([n, h, w, c * r * r]) as Tensor4D);
}

/** The model input for `view` from an LR batch and its HR batch (the caller keeps both). */
export function inputFor(view: InputView, lr: Tensor, hr: Tensor, scale: number): Tensor {
  if (view === 'lr') return lr.clone();
  return tf.tidy(() => tf.concat([lr, pixelUnshuffle(hr, scale)], 3));
}
