import { tf } from '@kdlab/engine';
import type { Tensor4D } from '@kdlab/engine';
import { buildBackbone } from '../../backbone';
import { countMacs, countParams } from '../../count';
import { siameseParts, siamesePrefixes } from './siamese';

const small = { widths: [8, 16, 16, 16, 8], headWidth: 8, anchors: 3 };

/** The packed input: search in channels 0-2, exemplar top-left in 3-5. */
function pack(search: Tensor4D, exemplar: Tensor4D): Tensor4D {
  const s = search.shape[1];
  const e = exemplar.shape[1];
  return tf.concat([search, tf.pad(exemplar, [[0, 0], [0, s - e], [0, s - e], [0, 0]])], 3);
}

describe('Siamese trackers (siamese, siamese-cohort)', () => {
  it.each([
    ['siamfc', 'alexnet', 127, 255, 1],
    ['siamrpn', 'alexnet', 127, 255, 18],
    ['siamfc', 'alexnet-s4', 63, 127, 1],
    ['siamrpn', 'alexnet-s4', 63, 127, 18],
  ] as const)('%s on %s (%d/%d): a 17x17 response, and the tracking path gives the packed model output', (head, geometry, exemplar, search, channels) => {
    const model = buildBackbone({ arch: 'siamese', head, geometry, exemplar, search, ...small }, 3);
    const z = tf.randomUniform([1, exemplar, exemplar, 3], 0, 1, 'float32', 1) as Tensor4D;
    const x = tf.randomUniform([2, search, search, 3], 0, 1, 'float32', 2) as Tensor4D;
    const packed = model.predict(pack(x, tf.concat([z, z], 0) as Tensor4D)) as Tensor4D;
    expect(packed.shape).toEqual([2, 17, 17, channels]);
    const parts = siameseParts(model);
    expect(parts.head).toBe(head);
    expect(parts.stride).toBe(geometry === 'alexnet' ? 8 : 4);
    expect(parts.params).toBe(countParams(model));
    const template = parts.template(parts.embed(z));
    const direct = parts.respond(template, parts.embed(x));
    expect(direct.sub(packed).abs().max().dataSync()[0]).toBeLessThan(1e-4 * Math.max(1e-3, packed.abs().max().dataSync()[0]));
    tf.dispose([z, x, packed, direct, ...template]);
    model.dispose();
  });

  it('counts the shared embedding once per branch (MACs of the packed forward)', () => {
    const model = buildBackbone({ arch: 'siamese', head: 'siamfc', geometry: 'alexnet', widths: [8, 8, 8, 8, 8] }, 1);
    // conv1 11x11x3->8 at stride 2: 59x59 outputs for the exemplar, 123x123 for the search.
    const conv1 = (59 * 59 + 123 * 123) * 11 * 11 * 3 * 8;
    const conv2 = (25 * 25 + 57 * 57) * 5 * 5 * 8 * 8;
    const conv345 = (10 * 10 + 8 * 8 + 6 * 6 + 26 * 26 + 24 * 24 + 22 * 22) * 3 * 3 * 8 * 8;
    const xc = 17 * 17 * 6 * 6 * 8;
    expect(countMacs(model, [255, 255])).toBe(conv1 + conv2 + conv345 + xc);
    model.dispose();
  });

  it('widthScale scales every width and the head; a cohort passes its geometry and widthScale to members', () => {
    const m = buildBackbone({ arch: 'siamese', head: 'siamrpn', geometry: 'alexnet-s4', exemplar: 63, search: 127, widths: [8, 16, 16, 16, 8], headWidth: 8, anchors: 3, widthScale: 0.5 }, 1);
    expect(m.getLayer('backbone.conv1').getWeights()[0].shape).toEqual([7, 7, 3, 4]);
    expect(m.getLayer('cls_x').getWeights()[0].shape).toEqual([3, 3, 4, 4]);
    const c = buildBackbone({ arch: 'siamese-cohort', exemplar: 63, search: 127, geometry: 'alexnet-s4', widthScale: 0.5, members: [{ arch: 'siamese', head: 'siamfc', widths: [8, 8, 8, 8, 8] }, { arch: 'siamese', head: 'siamfc', widths: [8, 8, 8, 8] }] }, 1);
    expect(c.getLayer('m1.backbone.conv1').getWeights()[0].shape).toEqual([7, 7, 3, 4]);
    m.dispose();
    c.dispose();
  });

  it('a cohort holds members under m{p}. and concatenates their responses', () => {
    const member = { arch: 'siamese', head: 'siamrpn', geometry: 'alexnet-s4', ...small };
    const model = buildBackbone({ arch: 'siamese-cohort', exemplar: 63, search: 127, members: [member, { ...member, widths: [8, 8, 8, 8] }] }, 5);
    expect(siamesePrefixes(model)).toEqual(['m0.', 'm1.']);
    const out = model.predict(tf.zeros([1, 127, 127, 6])) as Tensor4D;
    expect(out.shape).toEqual([1, 17, 17, 36]);
    const p0 = siameseParts(model, 'm0.').params;
    const p1 = siameseParts(model, 'm1.').params;
    expect(p0 + p1).toBe(countParams(model));
    expect(p1).toBeLessThan(p0);
    expect(() => buildBackbone({ arch: 'siamese-cohort', members: [member, { ...member, head: 'siamfc' }] }, 1)).toThrow(/mix heads/);
    model.dispose();
  });
});
