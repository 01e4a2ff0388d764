// KL(softmax(t / T) ‖ softmax(s / T)) along the last axis, averaged over every other position: over
// the batch for logits [N, C] (PyTorch's reduction='batchmean'), over batch and pixels for score maps
// [N, H, W, C]. Hinton KD and its per-pixel and mutual-learning forms multiply by T² (to keep the
// gradient's scale independent of T); KDSR's representation KL does not. One function so the four
// losses that use it cannot drift apart.
import { tf } from '@kdlab/engine';
import type { Scalar, Tensor } from '@kdlab/engine';

export function temperatureKl(student: Tensor, teacher: Tensor, T: number, opts: { timesTSquared: boolean }): Scalar {
  return tf.tidy(() => {
    const logPt = tf.logSoftmax(teacher.div(T));
    const logPs = tf.logSoftmax(student.div(T));
    const kl = logPt.exp().mul(logPt.sub(logPs)).sum(-1).mean();
    return (opts.timesTSquared ? kl.mul(T * T) : kl) as Scalar;
  });
}
