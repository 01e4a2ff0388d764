// Image files <-> Image, through TensorFlow's own codecs (libpng, libjpeg-turbo, TF's BMP
// decoder) that the native engine already ships: well-kept, fast (C), and no extra
// dependency. They need the native `tensorflow` backend; KDLAB_BACKEND=cpu has no codecs.
import * as fs from 'fs';
import * as path from 'path';
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { assertImage, type Image } from './image';
import { writeFileAtomic } from './atomic';

export const READABLE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.bmp'] as const;

/** The file is missing, truncated, or not an image; `file` names it. */
export class ImageReadError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'ImageReadError';
  }
}

function requireNativeCodecs(label: string): void {
  if (tf.getBackend() !== 'tensorflow') {
    throw new Error(`${label}: image codecs need the native tensorflow backend, the active backend is ${tf.getBackend()}`);
  }
}

/** Decodes PNG, JPEG or BMP bytes. An alpha channel is dropped; grey stays 1 channel. */
export function decodeImage(bytes: Uint8Array, label: string): Image {
  if (bytes.length === 0) throw new ImageReadError(label, 'empty file, not an image');
  requireNativeCodecs(label);
  let t: Tensor;
  try {
    t = tf.node.decodeImage(bytes, 0, 'int32', false);
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
    throw new ImageReadError(label, `cannot decode (truncated or not a PNG/JPEG/BMP image): ${why}`);
  }
  const [height, width, decoded] = t.shape;
  const values = t.dataSync();
  t.dispose();
  const channels = decoded === 1 || decoded === 2 ? 1 : 3;
  const data = new Uint8Array(height * width * channels);
  if (decoded === channels) {
    data.set(values);
  } else {
    // 2 = grey+alpha, 4 = RGBA: keep the colour channels (SR data has no meaningful alpha).
    for (let p = 0, s = 0, d = 0; p < height * width; p++, s += decoded, d += channels) {
      for (let c = 0; c < channels; c++) data[d + c] = values[s + c];
    }
  }
  return { data, height, width, channels };
}

export function readImage(file: string): Image {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ImageReadError(file, code === 'ENOENT' ? 'not found' : `cannot read (${code ?? String(err)})`);
  }
  return decodeImage(bytes, file);
}

/** Encodes by format; PNG is lossless, JPEG at `quality` (default 95). */
export function encodeImage(img: Image, format: 'png' | 'jpeg', label = 'image', quality = 95): Uint8Array {
  assertImage(img, label);
  requireNativeCodecs(label);
  // tf.node.encodePng/encodeJpeg only wrap these synchronous backend calls in a Promise;
  // calling the backend keeps writeImage synchronous as the data interface promises.
  const backend = tf.backend() as unknown as {
    encodePng(data: Uint8Array, shape: number[], compression: number): Tensor;
    encodeJpeg(data: Uint8Array, shape: number[], format: string, quality: number, progressive: boolean, optimizeSize: boolean,
      chromaDownsampling: boolean, densityUnit: string, xDensity: number, yDensity: number, xmpMetadata: string): Tensor;
  };
  const shape = [img.height, img.width, img.channels];
  const t = format === 'png'
    ? backend.encodePng(img.data, shape, 6)
    : backend.encodeJpeg(img.data, shape, '', quality, false, false, true, 'in', 300, 300, '');
  const bytes = (t.dataSync() as unknown as Uint8Array[])[0];
  t.dispose();
  return bytes;
}

function formatOf(file: string): 'png' | 'jpeg' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.png') return 'png';
  if (ext === '.jpg' || ext === '.jpeg') return 'jpeg';
  throw new Error(`${file}: cannot write ${ext || 'a file without extension'}; use .png or .jpg`);
}

/** Writes by extension (.png, .jpg/.jpeg), creating the folder; atomic (temp file + rename). */
export function writeImage(file: string, img: Image): void {
  const bytes = encodeImage(img, formatOf(file), file);
  writeFileAtomic(file, bytes);
}

/** Image files directly in `dir` (by extension), sorted by name. */
export function listImageFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    throw new Error(`${dir}: cannot list images (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return names
    .filter((n) => (READABLE_EXTENSIONS as readonly string[]).includes(path.extname(n).toLowerCase()))
    .sort()
    .map((n) => path.join(dir, n));
}
