// Feature maps of different resolutions (pixel distillation: the teacher sees the HR image,
// the student an LR copy, so their maps at the same stage differ in size). The released
// pixel-distillation code (gyguo/PixelDistillation b63c8d1 lib/losses/at_loss.py) average-pools
// the larger map to the smaller one's size (F.adaptive_avg_pool2d) before comparing; with an
// integer ratio, as between our stages, that is an average pool with window = stride = ratio.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D } from '@kdlab/engine';

/** `resolution` option of feature losses: absent = the maps must have one size; 'pool' = pool the larger. */
export const resolutionOption = z.enum(['pool']).optional();
export type ResolutionMatch = z.infer<typeof resolutionOption>;

function poolTo(x: Tensor, h: number, w: number, loss: string): Tensor {
  const [, H, W] = x.shape;
  if (H === h && W === w) return x;
  if (H % h !== 0 || W % w !== 0 || H / h !== W / w) throw new Error(`loss '${loss}': cannot pool a ${H}x${W} map to ${h}x${w} (resolution: pool needs one integer ratio)`);
  const r = H / h;
  return tf.avgPool(x as Tensor4D, r, r, 'valid');
}

/** Both NHWC maps at the smaller one's spatial size (the larger average-pooled); unchanged when equal. */
export function matchResolution(student: Tensor, teacher: Tensor, loss: string): [Tensor, Tensor] {
  if (student.rank !== 4 || teacher.rank !== 4) throw new Error(`loss '${loss}': resolution: pool needs NHWC maps, got [${student.shape}] and [${teacher.shape}]`);
  const h = Math.min(student.shape[1]!, teacher.shape[1]!);
  const w = Math.min(student.shape[2]!, teacher.shape[2]!);
  return [poolTo(student, h, w, loss), poolTo(teacher, h, w, loss)];
}
