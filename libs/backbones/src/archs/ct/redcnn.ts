// RED-CNN-like CT denoiser (Chen et al., "Low-Dose CT With a Residual Encoder-Decoder Convolutional
// Neural Network", IEEE TMI 2017), the student and teacher of the CT distillation table, optionally
// with TSC-Net's dynamic enhancement module (./dem.ts) at the bottleneck.
//   enc1..enc5: 3x3 conv + ReLU (RED-CNN: 5x5, 96 channels, 'valid' convs and transposed convs)
//   bottleneck: enc5, or DEM(enc5) when `dem`
//   dec1 = ReLU(conv(bottleneck) + enc4), dec2 = ReLU(conv), dec3 = ReLU(conv + enc2), dec4 = ReLU(conv)
//   output = conv3x3(dec4) -> 1 channel, + the input (RED-CNN's outermost shortcut, `globalResidual`)
// Deviations from RED-CNN: 'same' 3x3 convolutions instead of 'valid' 5x5 conv/deconv pairs (any
// input size, fewer FLOPs on CPU); no ReLU on the output. With the outermost shortcut, TSC-Net's
// NDCT -> NDCT teacher can reach zero loss by silencing its residual branch: its features then
// describe the NDCT image through a lightly trained encoder (measured and discussed in the CT
// README). `globalResidual: false` removes that shortcut; a student without it learned far slower
// in the quick profile (12.6 dB after 40 steps against the LDCT input's ~19 dB).
// Input/output: [N, H, W, 1] normalised CT numbers (the task's convention, (HU + 1024) / 4096).
// Tap names: 'enc1'..'enc5', 'bottleneck', 'dec1'..'dec4', 'output'; with DEM also 'dem', 'dem.att', ...
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor } from '@kdlab/engine';
import { registerBackbone, registerPreset } from '../../backbone';
import { applyLayer, conv2d } from '../sr/common';
import { dynamicEnhancement } from './dem';

export const redcnnSchema = z
  .object({
    channels: z.number().int().min(1),
    /** TSC-Net's dynamic enhancement module (attention + deformable conv) at the bottleneck. */
    dem: z.boolean().default(false),
    /** RED-CNN's outermost shortcut (output = input + residual). */
    globalResidual: z.boolean().default(true),
  })
  .strict();

export type RedCnnOptions = z.output<typeof redcnnSchema>;

export function buildRedCnn(o: RedCnnOptions, rng: Rng): LayersModel {
  const c = o.channels;
  const input = tf.input({ shape: [null, null, 1], name: 'ct' });
  const conv = (name: string, cin: number, x: SymbolicTensor, relu = true) => applyLayer(conv2d(rng, name, cin, c, 3, relu ? 'relu' : undefined), x);
  const enc1 = conv('enc1', 1, input);
  const enc2 = conv('enc2', c, enc1);
  const enc3 = conv('enc3', c, enc2);
  const enc4 = conv('enc4', c, enc3);
  const enc5 = conv('enc5', c, enc4);
  const core = o.dem ? dynamicEnhancement(enc5, c, 'dem', rng) : enc5;
  const bottleneck = applyLayer(tf.layers.activation({ name: 'bottleneck', activation: 'linear' }), core);
  const skip = (name: string, x: SymbolicTensor, res: SymbolicTensor) =>
    applyLayer(tf.layers.activation({ name, activation: 'relu' }), applyLayer(tf.layers.add({ name: `${name}.add` }), [x, res]));
  const dec1 = skip('dec1', conv('dec1.conv', c, bottleneck, false), enc4);
  const dec2 = conv('dec2', c, dec1);
  const dec3 = skip('dec3', conv('dec3.conv', c, dec2, false), enc2);
  const dec4 = conv('dec4', c, dec3);
  let out = applyLayer(conv2d(rng, o.globalResidual ? 'residual' : 'output', c, 1, 3), dec4);
  if (o.globalResidual) out = applyLayer(tf.layers.add({ name: 'output' }), [out, input]);
  return tf.model({ inputs: input, outputs: out, name: o.dem ? 'redcnn-dem' : 'redcnn' });
}

registerBackbone('redcnn', redcnnSchema, buildRedCnn);
registerPreset('redcnn-tiny', 'redcnn', { channels: 16 }, 'CPU-sized RED-CNN-like student (16 channels, 3x3)');
registerPreset('redcnn-tiny-dem', 'redcnn', { channels: 16, dem: true }, 'CPU-sized TSC-Net student/teacher: redcnn-tiny + dynamic enhancement module');
