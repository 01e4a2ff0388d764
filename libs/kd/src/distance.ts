// Element-wise distances shared by the losses.
import { z } from 'zod';
import type { Tensor } from '@kdlab/engine';

export const distanceOption = z.enum(['l1', 'l2']);
export type Distance = z.infer<typeof distanceOption>;

/** |a - b| (l1) or (a - b)^2 (l2), element-wise. */
export function elementDistance(a: Tensor, b: Tensor, distance: Distance): Tensor {
  const d = a.sub(b);
  return distance === 'l1' ? d.abs() : d.square();
}
