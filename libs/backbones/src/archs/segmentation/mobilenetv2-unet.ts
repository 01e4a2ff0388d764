// MobileNetV2 U-Net: a compact segmentation student. The encoder is MobileNetV2's
// (Sandler et al., CVPR 2018) stem and first inverted-residual rows, shared with the
// classification backbone (invertedResidual of ../classification/mobilenetv2); the
// decoder upsamples bilinearly, concatenates the encoder feature of the same stride and
// fuses with an inverted-residual block, as the "MobileNetV2_unet" students of the
// segmentation KD literature (e.g. Zou & Sun's Graph Flow code) do with transposed convs.
// Choices (ours): the encoder stops at stride 8 (rows (1,16,1,1), (t,24,2,2),
// (t,32,3,2), then (t,64,2,1) as the bottleneck) because GlaS crops are small;
// widths are int(c * widthMult) (min 8).
//
// Taps: 'enc1' (stride 2), 'enc2' (stride 4), 'enc3' (stride 8, the bottleneck), 'dec2',
// 'dec1', 'logits'.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { LayersModel, Rng, SymbolicTensor } from '@kdlab/engine';
import { registerBackbone, registerPreset } from '../../backbone';
import { convBn, inputLayer, named, nm } from '../classification/common';
import { invertedResidual } from '../classification/mobilenetv2';
import { classifier, concat, segOptions, upsample } from './common';

export const mobilenetV2UnetSchema = z
  .object({
    ...segOptions,
    expansion: z.number().int().min(1).default(4),
    widthMult: z.number().positive().default(0.5),
  })
  .strict();

export function buildMobilenetV2Unet(o: z.output<typeof mobilenetV2UnetSchema>, rng: Rng): LayersModel {
  const width = (c: number) => Math.max(8, Math.floor(c * o.widthMult));
  const row = (x: SymbolicTensor, name: string, c: number, n: number, stride: number, t: number) => {
    for (let b = 0; b < n; b++) x = invertedResidual(x, rng, `${name}.block${b}`, width(c), b === 0 ? stride : 1, t);
    return x;
  };
  const input = inputLayer(o.inputChannels);
  let x = convBn(input, rng, 'stem', width(32), 3, 2);
  const enc1 = named(row(x, 'row1', 16, 1, 1, 1), 'enc1');
  const enc2 = named(row(enc1, 'row2', 24, 2, 2, o.expansion), 'enc2');
  x = row(enc2, 'row3', 32, 3, 2, o.expansion);
  const enc3 = named(row(x, 'row4', 64, 2, 1, o.expansion), 'enc3');
  x = concat([upsample(enc3, 'up2'), enc2], 'skip2');
  x = named(invertedResidual(x, rng, 'dblock2', width(24), 1, o.expansion), 'dec2');
  x = concat([upsample(x, 'up1'), enc1], 'skip1');
  x = named(invertedResidual(x, rng, 'dblock1', width(16), 1, o.expansion), 'dec1');
  x = convBn(upsample(x, 'up0'), rng, 'head', width(16), 3);
  return tf.model({ inputs: input, outputs: classifier(x, rng, o.numClasses), name: nm('mobilenetv2-unet') });
}

registerBackbone('mobilenetv2-unet', mobilenetV2UnetSchema, buildMobilenetV2Unet);
registerPreset('mobilenetv2-unet-half', 'mobilenetv2-unet', { expansion: 4, widthMult: 0.5 }, 'MobileNetV2 U-Net, width 0.5, expansion 4: the quick segmentation student');
