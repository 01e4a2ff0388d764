import { tf } from '@kdlab/engine';
import { buildBackbone, siameseParts } from '@kdlab/backbones';
import { createImage, type Image } from '@kdlab/data';
import { trackingDataSchema, trackingEvalSchema } from './schema';
import { trackSequence } from './tracker';
import type { Box } from './otb';

// A synthetic 40-frame sequence (120 x 160, grey noise): a bright square that runs off the right edge.
function frame(i: number): Image {
  const img = createImage(120, 160, 3);
  for (let p = 0; p < img.data.length; p++) img.data[p] = (p * 2654435761 + i * 97) % 61;
  const x0 = 40 + i * 4;
  for (let y = 50; y < 70; y++) for (let x = x0; x < x0 + 20; x++) if (x < 160) for (let c = 0; c < 3; c++) img.data[(y * 160 + x) * 3 + c] = 230;
  return img;
}

describe('online tracking loop', () => {
  it.each(['siamfc', 'siamrpn'] as const)('%s: one finite box per frame, kept inside the image when the target leaves it', (head) => {
    const d = trackingDataSchema.parse({ sequences: ['otb_crossing', 'vot15_bag'], test: 'otb_crossing', head, batch: 1, exemplar: 63, search: 127, stride: 4 });
    const e = trackingEvalSchema.parse({});
    const model = buildBackbone({ arch: 'siamese', head, geometry: 'alexnet-s4', exemplar: 63, search: 127, widthScale: 0.0625 }, 7);
    const first: Box = [41, 51, 20, 20];
    const run = trackSequence(siameseParts(model), frame, 40, first, d, e);
    expect(run.boxes).toHaveLength(40);
    expect(run.boxes[0]).toEqual(first);
    for (const [x, y, w, h] of run.boxes) {
      expect([x, y, w, h].every(Number.isFinite)).toBe(true);
      const cx = x - 1 + (w - 1) / 2;
      const cy = y - 1 + (h - 1) / 2;
      expect(cx).toBeGreaterThanOrEqual(0);
      expect(cx).toBeLessThanOrEqual(159);
      expect(cy).toBeGreaterThanOrEqual(0);
      expect(cy).toBeLessThanOrEqual(119);
      expect(w).toBeGreaterThanOrEqual(e.minSize);
      expect(w).toBeLessThanOrEqual(160);
      expect(h).toBeGreaterThanOrEqual(e.minSize);
    }
    expect(run.fps).toBeGreaterThan(0);
    model.dispose();
  });

  it('refuses a model whose stride differs from the data', () => {
    const d = trackingDataSchema.parse({ sequences: ['otb_crossing', 'vot15_bag'], test: 'otb_crossing', head: 'siamfc', batch: 1, exemplar: 63, search: 127, stride: 8 });
    const model = buildBackbone({ arch: 'siamese', head: 'siamfc', geometry: 'alexnet-s4', exemplar: 63, search: 127, widthScale: 0.0625 }, 7);
    expect(() => trackSequence(siameseParts(model), frame, 3, [41, 51, 20, 20], d, trackingEvalSchema.parse({}))).toThrow(/stride 4, data.stride is 8/);
    model.dispose();
    tf.disposeVariables();
  });
});
