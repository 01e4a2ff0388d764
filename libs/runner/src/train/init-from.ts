// Initialising a student from another model (config.student.init): weights matched by name,
// so two architectures that share a part (KDSR's SR net under different degradation encoders)
// can hand it over, and nothing is copied silently into a weight of another shape.
import type { LayersModel } from '@kdlab/engine';

const layerOf = (weightName: string) => weightName.split('/')[0];

/** Copies every `target` weight whose layer is not excluded from `source`; returns how many. */
export function initFromModel(target: LayersModel, source: LayersModel, exclude: string[]): number {
  const byName = new Map(source.weights.map((w) => [w.originalName, w]));
  let copied = 0;
  for (const w of target.weights) {
    if (exclude.some((prefix) => layerOf(w.originalName).startsWith(prefix))) continue;
    const from = byName.get(w.originalName);
    if (!from) throw new Error(`student.init: the teacher has no weight ${w.originalName} (exclude its layer with student.init.exclude, or use an architecture that shares it)`);
    if (from.shape.join('x') !== w.shape.join('x')) throw new Error(`student.init: weight ${w.originalName} has shape [${w.shape}] in the student and [${from.shape}] in the teacher`);
    w.write(from.read());
    copied++;
  }
  if (copied === 0) throw new Error(`student.init: no weight copied (every student layer is excluded by ${JSON.stringify(exclude)})`);
  return copied;
}
