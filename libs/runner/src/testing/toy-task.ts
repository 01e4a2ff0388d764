// A tiny task for the runner's own tests: random 6x6 "LR" inputs whose target is
// their 2x nearest-neighbour upsampling, learnt by a 1-block EDSR. Domain-free,
// fast, and seeded like a real task (its stream state is the RNG state).
import { z } from 'zod';
import { Rng, tf } from '@kdlab/engine';
import type { Tensor4D } from '@kdlab/engine';
import type { Task } from '../task';

const dataSchema = z.object({ batch: z.number().int().positive().default(2), size: z.number().int().positive().default(6) }).strict();
const evalSchema = z.object({ items: z.number().int().positive().default(3) }).strict();

function sample(rng: Rng, batch: number, size: number): { input: Tensor4D; target: Tensor4D } {
  const values = Float32Array.from({ length: batch * size * size * 3 }, () => rng.next());
  const input = tf.tensor4d(values, [batch, size, size, 3]);
  const target = tf.tidy(() => tf.image.resizeNearestNeighbor(input, [size * 2, size * 2]) as Tensor4D);
  return { input, target };
}

export const toyTask: Task<z.infer<typeof dataSchema>, z.infer<typeof evalSchema>> = {
  name: 'toy',
  dataSchema,
  evalSchema,
  modelSpec: (spec) => ({ ...spec, scale: 2 }),
  async create(data, evalCfg) {
    return {
      baselines: ['nearest'],
      flopsInputHw: [data.size, data.size],
      tags: { 'kdlab.metric_convention': 'toy: mean absolute error' },
      datasets: () => [{ name: 'toy', files: 0, sha256: '0'.repeat(64) }],
      trainStream(rng) {
        return { next: () => sample(rng, data.batch, data.size), getState: () => rng.getState(), setState: (s) => rng.setState(s as number) };
      },
      async evaluate(predictor, onProgress) {
        const { input, target } = sample(new Rng(99), evalCfg.items, data.size);
        const out = predictor.kind === 'model' ? predictor.predict(input) : tf.image.resizeNearestNeighbor(input, [data.size * 2, data.size * 2]);
        const mae = tf.tidy(() => out.sub(target).abs().mean().dataSync()[0]);
        tf.dispose([input, target, out]);
        onProgress?.(evalCfg.items, evalCfg.items);
        return { metrics: { 'eval/toy/mae': mae }, files: { 'toy.json': { mae } } };
      },
      dispose() {},
    };
  },
};
