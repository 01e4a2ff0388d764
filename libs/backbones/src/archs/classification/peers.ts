// A cohort of P peer networks in one model, for online distillation where the
// peers train together from scratch (MCL, DML, ONE...). The runner trains one
// model; this makes the cohort one model with no change to the runner:
//
//   image -> peer p's trunk, its layers named 'peer{p}.<name>' -> 'peer{p}.pool' [N, D_p]
//         -> 'peers.features' = concat_p [N, sum D_p]     (the tap online-KD losses read)
//         -> 'peers.slice{p}' -> 'peer{p}.logits' (each peer's own linear classifier)
//         -> 'logits' = concat_p [N, P*numClasses]        (the model output)
//
// The features are concatenated *before* the classifiers so that the
// concatenation lies on the path to the output and can be tapped; the slices
// give every peer its own classifier, exactly as P separate networks. Every
// tap of a peer is available under its prefix ('peer1.stage2', ...).
// Peers may differ (`peers: [specA, specB]`) or repeat one spec (`peer`, `count`);
// each draws its own weights. Losses split the output by peer: output
// [N, P*C] -> peer p is columns [p*C, (p+1)*C).
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor } from '@kdlab/engine';
import { registerBackbone, resolveBackboneSpec } from '../../backbone';
import { parseOptions } from '../../registry';
import { ChannelSlice } from './channel-slice';
import { apply, classifierTrunk, clsOptions, globalPool, inputLayer, linear, nm, withNamePrefix } from './common';

const specSchema = z.object({ arch: z.string().min(1) }).passthrough();

export const peersSchema = z
  .object({
    ...clsOptions,
    /** One spec for every peer (with `count`)... */
    peer: specSchema.optional(),
    count: z.number().int().min(2).optional(),
    /** ...or one spec per peer. */
    peers: z.array(specSchema).min(2).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (!!o.peers === !!(o.peer && o.count)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'give either `peers` (a list of specs) or `peer` with `count`' });
  });

export type PeersOptions = z.output<typeof peersSchema>;

/** Peer p's pooled features, its layers under the prefix 'peer{p}.'. */
function peerFeatures(input: SymbolicTensor, spec: z.output<typeof specSchema>, o: PeersOptions, rng: Rng, p: number): SymbolicTensor {
  const { arch, options } = resolveBackboneSpec(spec);
  const entry = classifierTrunk(arch);
  if (!entry) throw new Error(`peers: peer ${p} has architecture '${arch}', which is not a classification trunk`);
  const parsed = parseOptions(entry.schema, { ...options, numClasses: o.numClasses, inputChannels: o.inputChannels }, `peers: peer ${p} (${arch})`);
  return withNamePrefix(`peer${p}.`, () => globalPool(entry.trunk(input, parsed as never, rng.fork())));
}

export function buildPeers(o: PeersOptions, rng: Rng): LayersModel {
  const specs = o.peers ?? Array.from({ length: o.count! }, () => o.peer!);
  const input = inputLayer(o.inputChannels);
  const pooled = specs.map((spec, p) => peerFeatures(input, spec, o, rng, p));
  const features = apply(tf.layers.concatenate({ name: nm('peers.features'), axis: -1 }), pooled);
  let start = 0;
  const logits = pooled.map((t, p) => {
    const width = t.shape[t.shape.length - 1] as number;
    const own = apply(new ChannelSlice({ name: nm(`peers.slice${p}`), start, size: width }), features);
    start += width;
    return linear(own, `peer${p}.logits`, o.numClasses, rng);
  });
  const output = apply(tf.layers.concatenate({ name: nm('logits'), axis: -1 }), logits);
  return tf.model({ inputs: input, outputs: output, name: `peers${specs.length}` });
}

registerBackbone('peers', peersSchema, buildPeers);
