// Logits of a peer cohort: [N, P*C] -> P tensors [N, C] (the layout of the
// `peers` backbone). Shared by the losses that accept a cohort's output.
import type { Tensor } from '@kdlab/engine';

export function splitPeers(logits: Tensor, classes: number, loss: string): Tensor[] {
  const width = logits.shape[1] as number;
  if (width % classes !== 0) throw new Error(`loss '${loss}': ${width} logits are not a multiple of the ${classes} classes of the other side`);
  const peers = width / classes;
  return peers === 1 ? [logits] : Array.from({ length: peers }, (_, p) => logits.slice([0, p * classes], [-1, classes]));
}
