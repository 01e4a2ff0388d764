// Structural re-parameterisation: copies a training-time model's weights into its deployment form,
// layer by layer and by name, folding every EDBB (layers/edbb.ts) into the plain 3x3 conv that
// replaces it. Build the target with the same options plus `deploy: true` (EFDN), then
//   reparameterize(trained, deployed)
// Layers present in both with the same class copy as they are; a deployed model folded again is
// unchanged (nothing left to fold), which the tests check.
import { tf } from '@kdlab/engine';
import type { LayersModel } from '@kdlab/engine';
import { EDBB, foldEdbb } from './layers/edbb';

export function reparameterize(source: LayersModel, target: LayersModel): LayersModel {
  const byName = new Map(source.layers.map((l) => [l.name, l]));
  for (const layer of target.layers) {
    const from = byName.get(layer.name);
    if (!from) throw new Error(`reparameterize: the deployed model's layer '${layer.name}' has no layer of that name in the source model`);
    if (layer.weights.length === 0) continue;
    if (from instanceof EDBB) {
      if (layer.getClassName() !== 'Conv2D') throw new Error(`reparameterize: EDBB '${layer.name}' folds into a Conv2D, found ${layer.getClassName()}`);
      const folded = foldEdbb(from.getWeights());
      layer.setWeights(folded);
      tf.dispose(folded);
      continue;
    }
    if (from.getClassName() !== layer.getClassName()) throw new Error(`reparameterize: layer '${layer.name}' is a ${from.getClassName()} in the source and a ${layer.getClassName()} in the target`);
    layer.setWeights(from.getWeights());
  }
  return target;
}
