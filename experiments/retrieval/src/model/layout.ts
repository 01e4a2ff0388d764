// How one group (an image and C candidate captions) is packed into a model input, so that every
// retrieval model is a one-input tf.LayersModel the runner can train, checkpoint and count:
// input [B, 1 + C, W, 1]; slot 0 of a group holds the image (imageSize² × 3 values, normalised),
// slots 1..C hold one caption each: its frozen MiniLM token states (tokens × textDim, row-major)
// followed by its attention mask (tokens values); unused values are 0. Slot 1 is the positive.
export interface Layout {
  imageSize: number;
  tokens: number;
  textDim: number;
}

export function imageValues(l: Layout): number {
  return l.imageSize * l.imageSize * 3;
}

export function captionValues(l: Layout): number {
  return l.tokens * (l.textDim + 1);
}

/** W, the width of a slot. */
export function slotWidth(l: Layout): number {
  return Math.max(imageValues(l), captionValues(l));
}

/** Writes group `g` of a packed input: `image` (imageSize² × 3) and the captions' states and masks. */
export function packGroup(
  out: Float32Array, l: Layout, g: number, candidates: number,
  image: Float32Array, caption: (k: number) => { states: Float32Array; mask: Float32Array },
): void {
  const w = slotWidth(l);
  const base = g * (1 + candidates) * w;
  out.set(image, base);
  for (let k = 0; k < candidates; k++) {
    const { states, mask } = caption(k);
    const at = base + (1 + k) * w;
    out.set(states, at);
    out.set(mask, at + l.tokens * l.textDim);
  }
}
