// ENet-like network (Paszke et al., "ENet: A Deep Neural Network Architecture for
// Real-Time Semantic Segmentation", 2016), a compact segmentation student: the
// initial block (a 3x3 stride-2 conv concatenated with a max-pooled copy of the
// input), bottlenecks (1x1 reduce by 4, a 3x3 regular / dilated conv or a 5x1 + 1x5
// asymmetric pair, 1x1 expand, residual), two downsampling stages and a light
// decoder. Choices (ours, for small crops and CPU): stages of 1 + 1 and 1 + 3
// bottlenecks (the paper has 5 and 2 x 8) with widths `widths` (paper 64, 128);
// ReLU instead of PReLU; the downsampling shortcut is max pooling plus a 1x1 conv
// (the paper zero-pads channels and its decoder max-unpools with the saved indices;
// here bilinear upsampling); no spatial dropout (short schedules).
//
// Taps: 'enc1' (stride 2, the initial block), 'enc2' (stride 4), 'enc3' (stride 8),
// 'dec2', 'dec1', 'logits'.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { LayersModel, Rng, SymbolicTensor } from '@kdlab/engine';
import { registerBackbone, registerPreset } from '../../backbone';
import { apply, bn, conv, convBn, inputLayer, named, nm, relu } from '../classification/common';
import { atrousConvBn, classifier, maxPool, segOptions, upsample } from './common';

export const enetSchema = z
  .object({
    ...segOptions,
    initial: z.number().int().min(4).default(16),
    widths: z.tuple([z.number().int().min(4), z.number().int().min(4)]).default([32, 64]),
  })
  .strict();

type Kind = { kind: 'regular' } | { kind: 'dilated'; rate: number } | { kind: 'asymmetric' } | { kind: 'down' };

function bottleneck(x: SymbolicTensor, rng: Rng, name: string, out: number, k: Kind): SymbolicTensor {
  const mid = Math.max(4, Math.floor(out / 4));
  const stride = k.kind === 'down' ? 2 : 1;
  let y = convBn(x, rng, `${name}.reduce`, mid, stride === 2 ? 2 : 1, stride);
  if (k.kind === 'dilated') y = atrousConvBn(y, rng, `${name}.dilated`, mid, 3, k.rate);
  else if (k.kind === 'asymmetric') y = atrousConvBn(atrousConvBn(y, rng, `${name}.5x1`, mid, [5, 1], 1), rng, `${name}.1x5`, mid, [1, 5], 1);
  else y = convBn(y, rng, `${name}.conv`, mid, 3);
  y = apply(bn(`${name}.expand.bn`), apply(conv(rng, `${name}.expand.conv`, out, 1), y));
  let skip = x;
  if (stride === 2) skip = apply(bn(`${name}.skip.bn`), apply(conv(rng, `${name}.skip.conv`, out, 1), maxPool(x, `${name}.skip.pool`)));
  return apply(relu(`${name}.relu`), apply(tf.layers.add({ name: nm(`${name}.add`) }), [skip, y]));
}

export function buildEnet(o: z.output<typeof enetSchema>, rng: Rng): LayersModel {
  const input = inputLayer(o.inputChannels);
  const [w2, w3] = o.widths;
  const main = apply(conv(rng, 'initial.conv', o.initial - o.inputChannels, 3, 2), input);
  let x = apply(tf.layers.concatenate({ name: nm('initial.cat'), axis: -1 }), [main, maxPool(input, 'initial.pool')]);
  x = named(apply(relu('initial.relu'), apply(bn('initial.bn'), x)), 'enc1');
  x = bottleneck(x, rng, 'stage1.down', w2, { kind: 'down' });
  x = named(bottleneck(x, rng, 'stage1.b1', w2, { kind: 'regular' }), 'enc2');
  x = bottleneck(x, rng, 'stage2.down', w3, { kind: 'down' });
  x = bottleneck(x, rng, 'stage2.b1', w3, { kind: 'dilated', rate: 2 });
  x = bottleneck(x, rng, 'stage2.b2', w3, { kind: 'asymmetric' });
  x = named(bottleneck(x, rng, 'stage2.b3', w3, { kind: 'dilated', rate: 4 }), 'enc3');
  x = convBn(upsample(x, 'up2'), rng, 'dec2.proj', w2, 1);
  x = named(bottleneck(x, rng, 'dec2.b1', w2, { kind: 'regular' }), 'dec2');
  x = convBn(upsample(x, 'up1'), rng, 'dec1.proj', o.initial, 1);
  x = named(bottleneck(x, rng, 'dec1.b1', o.initial, { kind: 'regular' }), 'dec1');
  x = upsample(x, 'up0');
  return tf.model({ inputs: input, outputs: classifier(x, rng, o.numClasses), name: nm('enet') });
}

registerBackbone('enet', enetSchema, buildEnet);
registerPreset('enet-small', 'enet', { initial: 16, widths: [32, 64] }, 'ENet-like, 16-32-64 channels, 4 + 2 bottlenecks: a compact segmentation student');
