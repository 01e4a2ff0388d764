// Recall@K for image-text retrieval as the field computes it (VSE++, SCAN, ViLT/METER's
// compute_irtr_recall): scores S[i][j] of image i and caption j; every image has its own captions
// (5 in Flickr/COCO), and a caption has exactly one correct image.
//   image→text (i2t, "text retrieval"): for image i, the rank of its best-ranked correct caption
//       among all captions; R@K = % of images whose rank < K.
//   text→image (t2i, "image retrieval"): for caption j, the rank of its image among all images;
//       R@K = % of captions whose rank < K.
//   RSUM = the sum of the six recalls (R@1, R@5, R@10 of both directions), in percent.
// Ties: candidates are ordered by descending score, equal scores by index (a stable sort), so a
// constant score matrix is not a perfect one.

export const RECALL_KS = [1, 5, 10] as const;

export interface Recalls {
  i2t: Record<(typeof RECALL_KS)[number], number>;
  t2i: Record<(typeof RECALL_KS)[number], number>;
  rsum: number;
  /** 0-based rank of the best correct caption per image, of the correct image per caption. */
  ranks: { i2t: number[]; t2i: number[] };
}

/** Rank of `target` (0 = first) among `n` candidates scored by `score(c)`, ties broken by index. */
function rankOf(n: number, score: (c: number) => number, target: number): number {
  const s = score(target);
  let rank = 0;
  for (let c = 0; c < n; c++) {
    const v = score(c);
    if (v > s || (v === s && c < target)) rank++;
  }
  return rank;
}

/**
 * @param scores row-major [images, captions]
 * @param captionImage image index of every caption
 */
export function retrievalRecall(scores: Float32Array | number[], images: number, captionImage: number[]): Recalls {
  const captions = captionImage.length;
  if (scores.length !== images * captions) throw new Error(`retrievalRecall: ${scores.length} scores for ${images} images x ${captions} captions`);
  const byImage: number[][] = Array.from({ length: images }, () => []);
  captionImage.forEach((img, j) => {
    if (!(img >= 0 && img < images)) throw new Error(`retrievalRecall: caption ${j} names image ${img}, outside 0..${images - 1}`);
    byImage[img].push(j);
  });
  byImage.forEach((c, i) => {
    if (c.length === 0) throw new Error(`retrievalRecall: image ${i} has no caption`);
  });
  const i2t = byImage.map((correct, i) => Math.min(...correct.map((j) => rankOf(captions, (c) => scores[i * captions + c], j))));
  const t2i = captionImage.map((img, j) => rankOf(images, (r) => scores[r * captions + j], img));
  const pct = (ranks: number[], k: number) => (100 * ranks.filter((r) => r < k).length) / ranks.length;
  const table = (ranks: number[]) => ({ 1: pct(ranks, 1), 5: pct(ranks, 5), 10: pct(ranks, 10) });
  const a = table(i2t);
  const b = table(t2i);
  return { i2t: a, t2i: b, rsum: a[1] + a[5] + a[10] + b[1] + b[5] + b[10], ranks: { i2t, t2i } };
}
