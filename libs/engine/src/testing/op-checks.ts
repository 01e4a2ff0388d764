// Test helpers for the kernel and op replacements (used by their *.test.ts files only).
import type { Tensor } from '@tensorflow/tfjs-node';
import { tf } from '../tf';
import type { NodeBackend } from '../kernels/node-op';

/** Names of the TensorFlow ops the node backend runs while f runs (a spy that calls through). */
export function opsRunBy(f: () => void): string[] {
  const spy = jest.spyOn(tf.backend() as unknown as NodeBackend, 'executeSingleOutput');
  try {
    f();
    return spy.mock.calls.map((call) => call[0]);
  } finally {
    spy.mockRestore();
  }
}

/** Same shape, and every element within tol x max(1, max |want|). */
export function expectClose(got: Tensor, want: Tensor, tol = 1e-5): void {
  expect(got.shape).toEqual(want.shape);
  const g = got.dataSync();
  const w = want.dataSync();
  const scale = Math.max(1, ...Array.from(w, Math.abs));
  for (let i = 0; i < w.length; i++) expect(Math.abs(g[i] - w[i])).toBeLessThanOrEqual(tol * scale);
}
