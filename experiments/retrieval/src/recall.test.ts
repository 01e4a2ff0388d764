// Recall@K on hand-made score matrices whose ranks are worked out by hand in the comments.
import { retrievalRecall } from './recall';

describe('retrievalRecall (the field convention: an image has several correct captions)', () => {
  it('counts the best-ranked of an image\'s captions for image→text', () => {
    // 2 images, captions 0-1 of image 0, 2-3 of image 1.
    // Image 0: scores [0.1, 0.5, 0.9, 0.2] → order 2,1,3,0: its best caption (1) is at rank 1.
    // Image 1: scores [0.8, 0.1, 0.3, 0.7] → order 0,3,2,1: its best caption (3) at rank 1.
    const s = [0.1, 0.5, 0.9, 0.2, 0.8, 0.1, 0.3, 0.7];
    const r = retrievalRecall(s, 2, [0, 0, 1, 1]);
    expect(r.ranks.i2t).toEqual([1, 1]);
    // Text→image, per caption column: c0 (img 0): 0.1 vs 0.8 → rank 1; c1: 0.5 vs 0.1 → 0;
    // c2 (img 1): 0.9 vs 0.3 → rank 1; c3: 0.2 vs 0.7 → 0.
    expect(r.ranks.t2i).toEqual([1, 0, 1, 0]);
    expect(r.i2t).toEqual({ 1: 0, 5: 100, 10: 100 });
    expect(r.t2i).toEqual({ 1: 50, 5: 100, 10: 100 });
    expect(r.rsum).toBe(0 + 100 + 100 + 50 + 100 + 100);
  });

  it('uses 5 captions per image and the 1/5/10 cut-offs on a 12-image matrix', () => {
    const images = 12;
    const captionImage = Array.from({ length: images * 5 }, (_, j) => Math.floor(j / 5));
    // Image i scores caption j by -(distance of j's image from (i + shift_i) mod 12); its own
    // captions get an extra bonus only for caption 4 of image i when i is even.
    // Construct directly: score = 1 for the image's own captions except image 3 (all 0),
    // and a distractor image d(i) = (i+1)%12 whose captions score 2 for images 0..5.
    const s = new Float32Array(images * captionImage.length);
    for (let i = 0; i < images; i++) {
      captionImage.forEach((img, j) => {
        let v = 0;
        if (img === i && i !== 3) v = 1;
        if (i < 6 && img === (i + 1) % images) v = 2;
        s[i * captionImage.length + j] = v;
      });
    }
    const r = retrievalRecall(s, images, captionImage);
    // i2t: images 0..5 except 3 see 5 distractor captions first → rank 5; image 3: its captions
    // (score 0) tie with every other 0 caption; by index, 15 captions of images 0-2 minus the
    // 5 of image 4 ranked first (score 2)... rank = 5 (image 4's) + 15 (images 0-2 at index < 15) = 20.
    // Images 6..11: rank 0.
    expect(r.ranks.i2t).toEqual([5, 5, 5, 20, 5, 5, 0, 0, 0, 0, 0, 0]);
    expect(r.i2t[1]).toBeCloseTo(50, 10);
    expect(r.i2t[5]).toBeCloseTo(50, 10);
    expect(r.i2t[10]).toBeCloseTo((11 / 12) * 100, 10);
    // t2i: a caption of image m is scored 1 by image m (if m≠3) and 2 by image m-1 when m-1 < 6.
    // m = 1..6: image m-1 (score 2) outranks m → rank 1 (m=3: its own score 0, ranks behind
    // image 2 (2) and, by index, images 0 and 1 (0) → rank 3). m = 0, 7..11: rank 0.
    const perImage = Array.from({ length: images }, (_, m) => r.ranks.t2i[m * 5]);
    expect(perImage).toEqual([0, 1, 1, 3, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(r.t2i[1]).toBeCloseTo((6 / 12) * 100, 10);
    expect(r.t2i[5]).toBeCloseTo(100, 10);
  });

  it('a perfect matrix scores RSUM 600; bad shapes are errors', () => {
    const s = [1, 1, 0, 0, 0, 0, 1, 1];
    expect(retrievalRecall(s, 2, [0, 0, 1, 1]).rsum).toBe(600);
    expect(() => retrievalRecall([1, 2, 3], 2, [0, 1])).toThrow(/3 scores for 2 images x 2 captions/);
    expect(() => retrievalRecall([1, 2, 3, 4], 2, [0, 0])).toThrow(/image 1 has no caption/);
  });
});
