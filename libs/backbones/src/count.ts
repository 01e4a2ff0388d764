// Parameter and FLOP counts.
//
// Convention: countMacs counts the multiply-accumulates of convolutions
// (Conv2D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose) and Dense layers
// only: out_h * out_w * k_h * k_w * (C_in / groups) * C_out for a conv. Bias
// adds, activations, pooling, pixel shuffle, the residual adds and the channel
// attention multiply are not counted (they are < 0.1% of EDSR/RCAN). FLOPs are
// reported as 2 x MACs (one multiply + one add). Many SR papers print MACs under
// the name "FLOPs"; compare against countMacs in that case.
//
// Shapes are inferred layer by layer for a concrete input size (no forward
// pass), so counting a 43M-parameter model at 720p costs nothing. A custom layer
// can report its own work by defining `macs(inputShapes, outputShape): number`.
import type { LayersModel } from '@kdlab/engine';

type Shape = (number | null)[];
type AnyLayer = LayersModel['layers'][number];

export function countParams(model: LayersModel, opts: { trainableOnly?: boolean } = {}): number {
  const weights = opts.trainableOnly ? model.trainableWeights : model.weights;
  return weights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/**
 * Concrete output shapes of every node (one application of a layer) for a batch-1 input of
 * spatial size `inputHw`, keyed '<layer>#<node>'. A layer applied twice (the shared embedding
 * of a Siamese tracker) has one node per application, each with its own shapes.
 */
function inferNodeShapes(model: LayersModel, inputHw: [number, number]): Map<string, Shape[]> {
  const shapes = new Map<string, Shape[]>();
  const pending: { layer: AnyLayer; index: number }[] = [];
  for (const layer of model.layers) {
    const node = layer.inboundNodes[0];
    if (!node || node.inboundLayers.length === 0) {
      // An input layer: batch 1, the requested spatial size, declared channels.
      const declared = (model.inputs.find((t) => t.sourceLayer === layer) ?? model.inputs[0]).shape;
      if (declared.length !== 4) throw new Error(`countFlops: input '${layer.name}' has shape ${JSON.stringify(declared)}; only NHWC image inputs are supported`);
      shapes.set(`${layer.name}#0`, [[1, inputHw[0], inputHw[1], declared[3]]]);
      continue;
    }
    layer.inboundNodes.forEach((_, index) => pending.push({ layer, index }));
  }
  // Layers come in depth order, but a shared layer's later nodes may read layers listed after it:
  // resolve nodes whose inputs are known until none is left.
  while (pending.length > 0) {
    const before = pending.length;
    for (let i = 0; i < pending.length; ) {
      const { layer, index } = pending[i];
      const node = layer.inboundNodes[index];
      const inputs = node.inboundLayers.map((l, j) => shapes.get(`${l.name}#${node.nodeIndices[j]}`)?.[node.tensorIndices[j]]);
      if (inputs.some((s) => s === undefined)) {
        i++;
        continue;
      }
      const known = inputs as Shape[];
      const out = layer.computeOutputShape(known.length === 1 ? known[0] : known) as Shape | Shape[];
      shapes.set(`${layer.name}#${index}`, Array.isArray(out[0]) ? (out as Shape[]) : [out as Shape]);
      pending.splice(i, 1);
    }
    if (pending.length === before) throw new Error(`countFlops: layer '${pending[0].layer.name}' reads a layer whose shape is never known`);
  }
  return shapes;
}

/** Concrete output shapes of every layer (its first application) for a batch-1 input of spatial size `inputHw`. */
export function inferShapes(model: LayersModel, inputHw: [number, number]): Map<string, Shape[]> {
  const nodes = inferNodeShapes(model, inputHw);
  return new Map(model.layers.map((l) => [l.name, nodes.get(`${l.name}#0`)!]));
}

function product(s: Shape): number {
  return s.reduce<number>((a, b) => a * (b ?? 1), 1);
}

function layerMacs(layer: AnyLayer, inputs: Shape[], output: Shape): number {
  const custom = (layer as unknown as { macs?: (i: Shape[], o: Shape) => number }).macs;
  if (typeof custom === 'function') return custom.call(layer, inputs, output);
  const cfg = layer.getConfig() as Record<string, unknown>;
  const k = (cfg.kernelSize as number[] | undefined) ?? [1, 1];
  const cin = inputs[0]?.[inputs[0].length - 1] ?? 0;
  const cout = output[output.length - 1] ?? 0;
  const outPixels = product(output.slice(1, -1));
  switch (layer.getClassName()) {
    case 'Conv2D':
    case 'Conv1D':
      return outPixels * product(k) * cin * cout;
    case 'DepthwiseConv2D':
      return outPixels * product(k) * cout; // cout = cin * depthMultiplier, one k x k filter each
    case 'SeparableConv2D': {
      const depthOut = cin * ((cfg.depthMultiplier as number) ?? 1);
      return outPixels * (product(k) * depthOut + depthOut * cout);
    }
    case 'Conv2DTranspose':
      return product(inputs[0].slice(1, -1)) * product(k) * cin * cout;
    case 'Dense':
      return product(output.slice(1, -1)) * cin * cout;
    default:
      return 0;
  }
}

/** Multiply-accumulates of one forward pass on a [1, h, w, C] input (see the convention above). */
export function countMacs(model: LayersModel, inputHw: [number, number]): number {
  const shapes = inferNodeShapes(model, inputHw);
  let macs = 0;
  for (const layer of model.layers) {
    // Every application counts: a shared layer (Siamese embedding) runs once per node.
    layer.inboundNodes.forEach((node, index) => {
      if (node.inboundLayers.length === 0) return;
      const inputs = node.inboundLayers.map((l, j) => shapes.get(`${l.name}#${node.nodeIndices[j]}`)![node.tensorIndices[j]]);
      macs += layerMacs(layer, inputs, shapes.get(`${layer.name}#${index}`)![0]);
    });
  }
  return macs;
}

/** FLOPs = 2 x MACs of one forward pass on a [1, h, w, C] input. */
export function countFlops(model: LayersModel, inputHw: [number, number]): number {
  return 2 * countMacs(model, inputHw);
}
