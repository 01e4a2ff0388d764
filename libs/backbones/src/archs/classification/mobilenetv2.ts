// MobileNetV2 (Sandler et al., "MobileNetV2: Inverted Residuals and Linear
// Bottlenecks", CVPR 2018) in the CIFAR variant of the KD benchmarks
// (RepDistiller/CRD `models/mobilenetv2.py`, from "Knowledge Distillation via
// Route Constrained Optimization"): a 3x3 stride-2 stem conv to int(32*w)
// channels; inverted residual blocks (1x1 expand by t, 3x3 depthwise, 1x1
// linear projection; a skip when stride 1 and the width is kept) with the
// settings (t, c, n, s) = (1,16,1,1) (T,24,2,1) (T,32,3,2) (T,64,4,2)
// (T,96,3,1) (T,160,3,2) (T,320,1,1), widths int(c*w); a 1x1 conv to 1280
// channels (int(1280*w) when w > 1); global average pool; linear.
// "MobileNetV2" in the CRD tables is T = 6, w = 0.5 (preset 'mobilenetv2').
//
// Tap names: 'stem', 'stage{1..7}' (one per row of the settings),
// 'stage{s}.block{b}', 'head' (after the 1x1 conv to 1280), 'pool', 'logits'.
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { SymbolicTensor } from '@kdlab/engine';
import { registerPreset } from '../../backbone';
import { apply, clsOptions, convBn, named, nm, registerClassifier } from './common';

export const mobilenetV2Schema = z
  .object({
    ...clsOptions,
    /** Expansion ratio t of the blocks after the first row. */
    expansion: z.number().int().min(1).default(6),
    widthMult: z.number().positive().default(0.5),
  })
  .strict();

export type MobilenetV2Options = z.output<typeof mobilenetV2Schema>;

export function invertedResidual(x: SymbolicTensor, rng: Rng, name: string, out: number, stride: number, expand: number): SymbolicTensor {
  const inp = x.shape[x.shape.length - 1] as number;
  let y = convBn(x, rng, `${name}.expand`, inp * expand, 1);
  y = convBn(y, rng, `${name}.dw`, inp * expand, 3, stride, true, true);
  y = convBn(y, rng, `${name}.project`, out, 1, 1, false);
  return stride === 1 && inp === out ? apply(tf.layers.add({ name: nm(name) }), [x, y]) : named(y, name);
}

export function mobilenetV2Trunk(input: SymbolicTensor, o: MobilenetV2Options, rng: Rng): SymbolicTensor {
  const settings: [number, number, number, number][] = [
    [1, 16, 1, 1], [o.expansion, 24, 2, 1], [o.expansion, 32, 3, 2], [o.expansion, 64, 4, 2],
    [o.expansion, 96, 3, 1], [o.expansion, 160, 3, 2], [o.expansion, 320, 1, 1],
  ];
  let x = named(convBn(input, rng, 'stem', Math.floor(32 * o.widthMult), 3, 2), 'stem');
  settings.forEach(([t, c, n, s], row) => {
    const out = Math.floor(c * o.widthMult);
    for (let b = 0; b < n; b++) x = invertedResidual(x, rng, `stage${row + 1}.block${b}`, out, b === 0 ? s : 1, t);
    x = named(x, `stage${row + 1}`);
  });
  const last = o.widthMult > 1 ? Math.floor(1280 * o.widthMult) : 1280;
  return named(convBn(x, rng, 'head', last, 1), 'head');
}

registerClassifier('mobilenetv2', mobilenetV2Schema, mobilenetV2Trunk, () => 'mobilenetv2');
registerPreset('mobilenetv2-half', 'mobilenetv2', { expansion: 6, widthMult: 0.5 }, 'MobileNetV2, T=6, width 0.5 (the CIFAR KD benchmarks\' "MobileNetV2")');
