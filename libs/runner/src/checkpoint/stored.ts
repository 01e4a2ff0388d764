// Tensor values held in plain arrays: what checkpoints read and write.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';

export interface StoredTensor {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

export function toStored(name: string, t: Tensor): StoredTensor {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`${name}: cannot store dtype ${t.dtype}`);
  // dataSync returns a copy for the native backend, but copy anyway: the
  // variable keeps training after we return.
  const data = t.dtype === 'float32' ? Float32Array.from(t.dataSync() as Float32Array) : Int32Array.from(t.dataSync() as Int32Array);
  return { name, shape: [...t.shape], dtype: t.dtype, data };
}

export function fromStored(s: StoredTensor): Tensor {
  return tf.tensor(s.data, s.shape, s.dtype);
}

/** Assigns stored values to variables in order, checking count and shapes. */
export function assignStored(what: string, targets: { name: string; shape: number[]; assign(t: Tensor): void }[], stored: StoredTensor[]): void {
  if (targets.length !== stored.length) throw new Error(`${what}: checkpoint holds ${stored.length} tensors, the model has ${targets.length}`);
  targets.forEach((v, i) => {
    const s = stored[i];
    if (s.shape.join('x') !== v.shape.join('x')) throw new Error(`${what}: tensor ${i} (${v.name}) has shape [${v.shape}], checkpoint ${s.name} has [${s.shape}]`);
    const t = fromStored(s);
    v.assign(t);
    t.dispose();
  });
}
