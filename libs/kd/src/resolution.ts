// Feature maps of different resolutions (pixel distillation: the teacher sees the HR image,
// the student an LR copy, so their maps at the same stage differ in size). The released
// pixel-distillation code (gyguo/PixelDistillation b63c8d1 lib/losses/at_loss.py) average-pools
// the larger map to the smaller one's size (F.adaptive_avg_pool2d) before comparing; with an
// integer ratio (CIFAR's stages) that is an average pool with window = stride = ratio; otherwise
// (Fashion-MNIST's 28 px: a 7x7 teacher map against a 4x4 or 2x2 student map) PyTorch's adaptive
// bins, row i averaging [floor(i H / h), ceil((i + 1) H / h)), applied as two matrix products.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor2D, Tensor3D, Tensor4D } from '@kdlab/engine';

/** `resolution` option of feature losses: absent = the maps must have one size; 'pool' = pool the larger. */
export const resolutionOption = z.enum(['pool']).optional();
export type ResolutionMatch = z.infer<typeof resolutionOption>;

/** [out, size]: row i averages PyTorch's adaptive bin i of `size` inputs. */
function adaptiveBins(size: number, out: number): Tensor2D {
  const m = new Float32Array(out * size);
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * size) / out);
    const end = Math.ceil(((i + 1) * size) / out);
    for (let k = start; k < end; k++) m[i * size + k] = 1 / (end - start);
  }
  return tf.tensor2d(m, [out, size]);
}

function adaptiveAvgPool(x: Tensor4D, h: number, w: number): Tensor4D {
  return tf.tidy(() => {
    const [n, H, W, c] = x.shape;
    const rows = tf.matMul(tf.broadcastTo(adaptiveBins(H, h), [n, h, H]) as Tensor3D, x.reshape([n, H, W * c]) as Tensor3D); // [n, h, W c]
    const byCol = rows.reshape([n, h, W, c]).transpose([0, 1, 3, 2]).reshape([n, h * c, W]) as Tensor3D;
    const cols = tf.matMul(byCol, tf.broadcastTo(adaptiveBins(W, w).transpose(), [n, W, w]) as Tensor3D); // [n, h c, w]
    return cols.reshape([n, h, c, w]).transpose([0, 1, 3, 2]) as Tensor4D;
  });
}

function poolTo(x: Tensor, h: number, w: number): Tensor {
  const [, H, W] = x.shape;
  if (H === h && W === w) return x;
  if (H % h === 0 && W % w === 0 && H / h === W / w) return tf.avgPool(x as Tensor4D, H / h, H / h, 'valid');
  return adaptiveAvgPool(x as Tensor4D, h, w);
}

/** Both NHWC maps at the smaller one's spatial size (the larger average-pooled); unchanged when equal. */
export function matchResolution(student: Tensor, teacher: Tensor, loss: string): [Tensor, Tensor] {
  if (student.rank !== 4 || teacher.rank !== 4) throw new Error(`loss '${loss}': resolution: pool needs NHWC maps, got [${student.shape}] and [${teacher.shape}]`);
  const h = Math.min(student.shape[1]!, teacher.shape[1]!);
  const w = Math.min(student.shape[2]!, teacher.shape[2]!);
  return [poolTo(student, h, w), poolTo(teacher, h, w)];
}
