// Registers the retrieval architectures with the backbone registry:
//   retrieval-cross  the cross-encoder (teacher, and the fewer-layer student)
//   retrieval-dual   the dual encoder (student)
// `init: { weights, fusionLayers }` starts a model from a trained model's weights dir (the cached
// teacher): every weight with the same name and shape is copied, and fusion block i of a
// cross-encoder takes the teacher's block fusionLayers[i], as DCD's released code initialises
// its 3-layer student from teacher layers [0, 3, 5].
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { LayersModel, Rng } from '@kdlab/engine';
import { registerBackbone } from '@kdlab/backbones';
import { readWeightsDir } from '@kdlab/runner';
import { slotWidth } from './layout';
import { RetrievalCross, RetrievalDual, RetrievalNet, type NetOptions } from './net';

const towers = {
  imageSize: z.number().int().positive().default(32),
  tokens: z.number().int().positive().default(24),
  textDim: z.number().int().positive().default(384),
  dim: z.number().int().positive().default(64),
  channels: z.array(z.number().int().positive()).length(4).default([32, 48, 64, 96]),
  freeze: z.array(z.enum(['image', 'text'])).default([]),
  init: z.object({ weights: z.string().min(1), fusionLayers: z.array(z.number().int().nonnegative()).optional() }).strict().optional(),
};

const crossSchema = z.object({ ...towers, layers: z.number().int().positive().default(4), heads: z.number().int().positive().default(4), ffn: z.number().int().positive().default(128) }).strict();
const dualSchema = z.object({ ...towers, embed: z.number().int().positive().default(64), logitScale: z.number().positive().default(10) }).strict();

type Init = z.infer<typeof towers.init>;

/** The retrieval layer of a model built here (errors when the model is something else). */
export function retrievalNet(model: LayersModel): RetrievalNet {
  const layer = model.layers.find((l) => l instanceof RetrievalNet);
  if (!layer) throw new Error(`model ${model.name}: not a retrieval model (no RetrievalCross/RetrievalDual layer)`);
  return layer as RetrievalNet;
}

const localName = (n: string) => n.replace(/^.*?retrieval(_\d+)?\//, '');

function initFrom(model: LayersModel, init: NonNullable<Init>): void {
  const { groups } = readWeightsDir(init.weights);
  const source = new Map((groups.model ?? []).map((t) => [localName(t.name), t]));
  const mapName = (n: string) => {
    const m = /^fusion\/(\d+)\/(.*)$/.exec(n);
    if (!m || !init.fusionLayers) return n;
    const from = init.fusionLayers[Number(m[1])];
    if (from === undefined) throw new Error(`init.fusionLayers [${init.fusionLayers}] has no entry for fusion block ${m[1]}`);
    return `fusion/${from}/${m[2]}`;
  };
  let copied = 0;
  for (const w of model.weights) {
    const t = source.get(mapName(localName(w.originalName)));
    if (!t || t.shape.join('x') !== w.shape.join('x')) continue;
    w.write(tf.tensor(t.data, t.shape, t.dtype));
    copied++;
  }
  if (copied === 0) throw new Error(`init.weights ${init.weights}: no weight matches this model by name and shape`);
  if (init.fusionLayers && !init.fusionLayers.every((i) => source.has(`fusion/${i}/self/q/kernel`))) {
    throw new Error(`init.fusionLayers [${init.fusionLayers}]: ${init.weights} lacks some of these fusion blocks`);
  }
}

function build(options: NetOptions & { init?: Init }, rng: Rng): LayersModel {
  const { init, ...net } = options;
  const layer = net.kind === 'cross' ? new RetrievalCross(net, rng) : new RetrievalDual(net, rng);
  const input = tf.input({ shape: [null, slotWidth(net), 1], name: 'groups' });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as ReturnType<typeof tf.input>, name: `retrieval_${net.kind}` });
  if (init) initFrom(model, init);
  return model;
}

registerBackbone('retrieval-cross', crossSchema, (o, rng) => build({ ...o, kind: 'cross' }, rng));
registerBackbone('retrieval-dual', dualSchema, (o, rng) => build({ ...o, kind: 'dual' }, rng));
