// Tensor-leak guard: a training step that leaks one tensor per step runs out of
// memory hours later; tests catch it at the first step instead.
import { tf } from './tf';

export class TensorLeakError extends Error {
  constructor(readonly leaked: number, readonly label: string) {
    super(`${label}: ${leaked} tensor(s) leaked`);
    this.name = 'TensorLeakError';
  }
}

/**
 * Runs fn and throws if it leaves more live tensors than it found.
 * `allowed` covers tensors the caller keeps on purpose (e.g. new variables).
 */
export async function expectNoLeaks<T>(fn: () => T | Promise<T>, opts: { allowed?: number; label?: string } = {}): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const leaked = tf.memory().numTensors - before - (opts.allowed ?? 0);
  if (leaked > 0) throw new TensorLeakError(leaked, opts.label ?? 'expectNoLeaks');
  return result;
}
