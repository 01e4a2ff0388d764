// Recording intermediate features by layer name with no change to the model
// (the mmrazor "recorder" idea): a second tf.model over the same layers whose
// outputs are the model output plus the named layers' outputs. The layers, and
// so the weights, are shared: training either model trains both.
import { tf } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor, Tensor } from '@kdlab/engine';

/** What one forward pass recorded: the model output and each tapped layer's output by name. */
export interface Taps {
  output: Tensor;
  features: Record<string, Tensor>;
}

export interface TappedModel {
  /** Runs the model once; the caller owns (and disposes) the returned tensors. */
  forward(x: Tensor, training: boolean): Taps;
  /** The multi-output model: the output, then each distinct tapped tensor. */
  model: LayersModel;
  names: string[];
}

function layerOutput(model: LayersModel, name: string): SymbolicTensor {
  let layer;
  try {
    layer = model.getLayer(name);
  } catch {
    const known = model.layers.map((l) => l.name);
    const shown = known.length > 40 ? `${known.slice(0, 40).join(', ')}, ... (${known.length} layers)` : known.join(', ');
    throw new Error(`tapModel: model '${model.name}' has no layer '${name}'; layers: ${shown}`);
  }
  const out = layer.output;
  if (Array.isArray(out)) throw new Error(`tapModel: layer '${name}' of model '${model.name}' has ${out.length} outputs; tap a single-output layer`);
  return out;
}

export function tapModel(model: LayersModel, layerNames: string[]): TappedModel {
  if (model.outputs.length !== 1) throw new Error(`tapModel: model '${model.name}' has ${model.outputs.length} outputs; expected 1`);
  const names = [...new Set(layerNames)];
  // tf.model rejects a tensor listed twice: each distinct tensor is one output,
  // and a tap on the output layer itself reads the model output.
  const outputs: SymbolicTensor[] = [model.outputs[0]];
  const slot = names.map((n) => {
    const t = layerOutput(model, n);
    const at = outputs.indexOf(t);
    return at >= 0 ? at : outputs.push(t) - 1;
  });
  const tapped = tf.model({ inputs: model.inputs, outputs });
  return {
    model: tapped,
    names,
    forward(x: Tensor, training: boolean): Taps {
      const result = tapped.apply(x, { training }) as Tensor | Tensor[];
      const outs = Array.isArray(result) ? result : [result];
      const features: Record<string, Tensor> = {};
      names.forEach((n, i) => (features[n] = outs[slot[i]]));
      return { output: outs[0], features };
    },
  };
}

/** Channel count (last axis) of each named layer's output, and of 'output'. */
export function tapChannels(model: LayersModel, layerNames: string[]): Record<string, number> {
  const channels: Record<string, number> = {};
  const last = (t: SymbolicTensor) => t.shape[t.shape.length - 1] as number;
  channels.output = last(model.outputs[0]);
  for (const n of layerNames) channels[n] = last(layerOutput(model, n));
  return channels;
}
