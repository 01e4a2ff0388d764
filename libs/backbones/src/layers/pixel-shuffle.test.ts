import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { loadGolden } from '../golden-values';
import { PixelShuffle } from './pixel-shuffle';

// Expected values: torch.nn.PixelShuffle, from golden/gen_backbones.py (backbones.json).
describe('PixelShuffle', () => {
  const golden = loadGolden().pixel_shuffle;

  it.each(golden.map((c) => [c.scale, c.input_nhwc_shape.join('x'), c] as const))('matches torch.nn.PixelShuffle (scale %i, input %s)', (_s, _shape, c) => {
    const layer = new PixelShuffle({ scale: c.scale });
    const y = layer.apply(tf.tensor(c.input_nhwc, c.input_nhwc_shape)) as Tensor;
    expect(y.shape).toEqual(c.output_nhwc_shape);
    expect(Array.from(y.dataSync())).toEqual(c.output_nhwc);
    expect(layer.computeOutputShape([null, 4, null, c.input_nhwc_shape[3]])).toEqual([null, 4 * c.scale, null, c.output_nhwc_shape[3]]);
    y.dispose();
  });

  it('is differentiable: the gradient of sum(w * shuffle(x)) is the inverse shuffle of w', () => {
    const layer = new PixelShuffle({ scale: 2 });
    const x = tf.randomUniform([2, 3, 2, 8], 0, 1, 'float32', 1);
    const w = tf.randomUniform([2, 6, 4, 2], 0, 1, 'float32', 2);
    const g = tf.grad((t: Tensor) => (layer.apply(t) as Tensor).mul(w).sum())(x);
    // Inverse shuffle of w: the channel k = c*4 + i*2 + j of cell (h, w') is w[h*2+i, w'*2+j, c].
    const inv = w.reshape([2, 3, 2, 2, 2, 2]).transpose([0, 1, 3, 5, 2, 4]).reshape([2, 3, 2, 8]);
    expect(g.sub(inv).abs().max().dataSync()[0]).toBe(0);
    tf.dispose([x, w, g, inv]);
  });

  it('rejects a channel count that is not a multiple of scale^2, naming the layer', () => {
    expect(() => new PixelShuffle({ scale: 2, name: 'up' }).computeOutputShape([null, 4, 4, 6])).toThrow(/up: channels 6 .* scale\^2 = 4/);
  });
});
