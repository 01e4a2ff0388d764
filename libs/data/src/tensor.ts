// Image <-> tensor at the model boundary: float32 HWC in [0,1], always 3 channels.
import { tf } from '@kdlab/engine';
import type { Tensor3D } from '@kdlab/engine';
import { assertImage, toRgb, type Image } from './image';

/** float32 [h, w, 3] in [0,1]; a grey image is replicated into three channels. */
export function imageToTensor(img: Image): Tensor3D {
  assertImage(img);
  const rgb = toRgb(img);
  const values = new Float32Array(rgb.data.length);
  for (let i = 0; i < values.length; i++) values[i] = rgb.data[i] / 255;
  return tf.tensor3d(values, [rgb.height, rgb.width, 3], 'float32');
}

/** uint8 image from a [h, w, 1|3] tensor in [0,1]: round(clip(x, 0, 1) * 255). */
export function tensorToImage(t: Tensor3D): Image {
  const [height, width, channels] = t.shape;
  if (channels !== 1 && channels !== 3) throw new Error(`tensorToImage: expected 1 or 3 channels, got shape [${t.shape}]`);
  const values = t.dataSync();
  const data = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // NaN maps to 0 rather than poisoning the image silently as 255.
    data[i] = v > 0 ? (v < 1 ? (v * 255 + 0.5) | 0 : 255) : 0; // round half up, no Math call in the loop
  }
  return { data, height, width, channels };
}
