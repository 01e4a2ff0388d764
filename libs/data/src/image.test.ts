import { tf } from '@kdlab/engine';
import type { Tensor3D } from '@kdlab/engine';
import { assertImage, cropImage, toRgb, type Image } from './image';
import { modcrop } from './modcrop';
import { imageToTensor, tensorToImage } from './tensor';

const img = (height: number, width: number, channels: 1 | 3): Image => {
  const data = new Uint8Array(height * width * channels);
  for (let i = 0; i < data.length; i++) data[i] = i % 251;
  return { data, height, width, channels };
};

describe('modcrop', () => {
  it('drops trailing rows and columns down to a multiple of the scale', () => {
    const src = img(10, 7, 3);
    const out = modcrop(src, 3);
    expect([out.height, out.width]).toEqual([9, 6]);
    // Row 4 of the crop is row 4 of the source, first 6 pixels.
    expect(Array.from(out.data.subarray(4 * 6 * 3, 5 * 6 * 3))).toEqual(Array.from(src.data.subarray(4 * 7 * 3, 4 * 7 * 3 + 18)));
  });

  it('leaves an aligned image alone and rejects a bad scale', () => {
    const src = img(8, 8, 1);
    expect(modcrop(src, 4)).toBe(src);
    expect(() => modcrop(src, 1.5)).toThrow(/positive integer/);
    expect(() => modcrop(img(2, 2, 1), 3)).toThrow(/smaller than scale 3/);
  });
});

describe('image helpers', () => {
  it('toRgb replicates grey; cropImage checks bounds; assertImage names the problem', () => {
    const g = img(2, 2, 1);
    expect(Array.from(toRgb(g).data.subarray(0, 6))).toEqual([0, 0, 0, 1, 1, 1]);
    expect(() => cropImage(g, 1, 1, 2, 2)).toThrow(/does not fit in a 2x2 image/);
    expect(() => assertImage({ ...g, data: new Uint8Array(3) }, 'x.png')).toThrow(/x\.png: data holds 3 values/);
  });
});

describe('imageToTensor / tensorToImage', () => {
  it('maps uint8 to [0,1] float32 with grey replicated, and back exactly', () => {
    const g = img(3, 4, 1);
    const t = imageToTensor(g);
    expect(t.shape).toEqual([3, 4, 3]);
    expect(t.dtype).toBe('float32');
    const back = tensorToImage(t);
    expect(back.channels).toBe(3);
    expect(back.data).toEqual(toRgb(g).data);
    t.dispose();
  });

  it('rounds and clips model outputs', () => {
    const t = tf.tensor3d([-0.2, 0.5 / 255, 1.49 / 255, 0.999, 1.7, NaN], [1, 2, 3]) as Tensor3D;
    expect(Array.from(tensorToImage(t).data)).toEqual([0, 1, 1, 255, 255, 0]);
    t.dispose();
  });
});
