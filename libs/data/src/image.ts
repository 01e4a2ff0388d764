// The in-memory image every kdlab SR component exchanges: HWC, uint8, 1 (grey) or 3 (RGB) channels.

export interface Image {
  data: Uint8Array;
  height: number;
  width: number;
  channels: 1 | 3;
}

export function createImage(height: number, width: number, channels: 1 | 3): Image {
  return { data: new Uint8Array(height * width * channels), height, width, channels };
}

/** Throws, naming `label`, when an Image's fields do not describe its buffer. */
export function assertImage(img: Image, label = 'image'): void {
  const { height, width, channels, data } = img;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0) {
    throw new Error(`${label}: invalid size ${height}x${width}`);
  }
  if (channels !== 1 && channels !== 3) throw new Error(`${label}: channels must be 1 or 3, got ${channels}`);
  if (!(data instanceof Uint8Array) || data.length !== height * width * channels) {
    throw new Error(`${label}: data holds ${data?.length} values, expected ${height}x${width}x${channels}`);
  }
}

/** RGB view of an image: grey is replicated into three equal channels, RGB is returned as is. */
export function toRgb(img: Image): Image {
  if (img.channels === 3) return img;
  const out = createImage(img.height, img.width, 3);
  const src = img.data;
  const dst = out.data;
  for (let i = 0, j = 0; i < src.length; i++, j += 3) {
    const v = src[i];
    dst[j] = v;
    dst[j + 1] = v;
    dst[j + 2] = v;
  }
  return out;
}

/** A copy of the window [top, top+height) x [left, left+width). */
export function cropImage(img: Image, top: number, left: number, height: number, width: number): Image {
  if (top < 0 || left < 0 || height <= 0 || width <= 0 || top + height > img.height || left + width > img.width) {
    throw new Error(`crop ${height}x${width} at (${top},${left}) does not fit in a ${img.height}x${img.width} image`);
  }
  const c = img.channels;
  const out = createImage(height, width, c);
  const rowLen = width * c;
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * img.width + left) * c;
    out.data.set(img.data.subarray(from, from + rowLen), y * rowLen);
  }
  return out;
}
