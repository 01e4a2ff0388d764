import { accuracyResult } from './task';
import { countBatch, emptyCounts, peersOf } from './accuracy';

describe('top-1 accuracy', () => {
  it('counts one model', () => {
    const c = emptyCounts(3, 1);
    countBatch(c, Float32Array.from([0.1, 2, 0, /**/ 5, 1, 1, /**/ 0, 0, 1, /**/ 1, 0, 0]), [1, 0, 0, 2], 3);
    const r = accuracyResult('toy', c, ['x', 'y', 'z']);
    expect(r.metrics).toEqual({ 'eval/toy/top1': 50 });
    expect(r.files['per-class.json']).toEqual({ classes: [
      { class: 'x', images: 2, top1: 50 },
      { class: 'y', images: 1, top1: 100 },
      { class: 'z', images: 1, top1: 0 },
    ] });
  });

  it('splits a multi-peer output into peers, reports their mean and the ensemble', () => {
    // 2 peers x 2 classes, per image [peer0 logits, peer1 logits]:
    // image 0, label 0: peer0 [3,0] right, peer1 [0,1] wrong, mean [1.5,0.5] right
    // image 1, label 1: peer0 [1,0] wrong, peer1 [0,0.5] right, mean [0.5,0.25] wrong
    // image 2, label 1: peer0 [1,0] wrong, peer1 [0,3] right, mean [0.5,1.5] right
    const c = emptyCounts(2, peersOf(4, 2));
    countBatch(c, Float32Array.from([3, 0, 0, 1, /**/ 1, 0, 0, 0.5, /**/ 1, 0, 0, 3]), [0, 1, 1], 2);
    const m = accuracyResult('toy', c, ['a', 'b']).metrics;
    expect(m['eval/toy/top1_peer0']).toBeCloseTo(100 / 3, 10);
    expect(m['eval/toy/top1_peer1']).toBeCloseTo(200 / 3, 10);
    expect(m['eval/toy/top1']).toBeCloseTo(50, 10);
    expect(m['eval/toy/top1_ensemble']).toBeCloseTo(200 / 3, 10);
    expect(() => peersOf(5, 2)).toThrow(/not a multiple of the 2 classes/);
  });
});
