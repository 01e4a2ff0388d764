import { tf } from '@kdlab/engine';
import type { Tensor4D } from '@kdlab/engine';
import { createImage } from '@kdlab/data';
import { boxToTarget, cropSquares, exemplarSide, meanColour, targetToBox } from './crop';

describe('crops', () => {
  // A random 37 x 53 RGB image.
  const img = createImage(37, 53, 3);
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 7919 + 13) % 251;

  it("match TensorFlow's crop_and_resize at the same sample points, mean-colour padded outside the image", () => {
    const crops = [
      { cx: 20.3, cy: 15.7, size: 24.5 },
      { cx: 2, cy: 30, size: 40 }, // reaches outside on the left and bottom
      { cx: -30, cy: -30, size: 10 }, // entirely outside
    ];
    const out = 15;
    const mean = meanColour(img);
    const got = cropSquares(img, crops, out, mean);
    // Reference: TF's bilinear crop_and_resize on (image - mean), extrapolation 0, + mean.
    const boxes = crops.map(({ cx, cy, size }) => {
      const first = (c: number) => c - size / 2 + (0.5 * size) / out;
      const last = (c: number) => c + size / 2 - (0.5 * size) / out;
      return [first(cy) / 36, first(cx) / 52, last(cy) / 36, last(cx) / 52];
    });
    const m = tf.tensor1d(mean);
    const image = tf.tensor3d(Float32Array.from(img.data), [37, 53, 3]).sub(m).expandDims(0) as Tensor4D;
    const want = tf.image.cropAndResize(image, tf.tensor2d(boxes), tf.zeros([3], 'int32'), [out, out], 'bilinear', 0).add(m).div(255);
    expect(got.shape).toEqual([3, out, out, 3]);
    expect(got.sub(want).abs().max().dataSync()[0]).toBeLessThan(1e-5);
    // The crop entirely outside the image is the mean colour.
    const outside = got.slice([2, 0, 0, 0], [1, out, out, 3]);
    expect(outside.sub(tf.tensor1d(mean).div(255)).abs().max().dataSync()[0]).toBeLessThan(1e-6);
  });

  it('OTB boxes (1-based) and centred targets convert both ways; the exemplar side follows SiamFC', () => {
    const t = boxToTarget([1, 1, 10, 20]);
    expect(t).toEqual({ cx: 4.5, cy: 9.5, w: 10, h: 20 });
    expect(targetToBox(t)).toEqual([1, 1, 10, 20]);
    expect(exemplarSide(10, 20, 0.5)).toBeCloseTo(Math.sqrt(25 * 35), 12);
  });
});
