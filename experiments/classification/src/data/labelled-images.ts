// A classification dataset held in memory: every image as HWC uint8 in one
// buffer (compact: CIFAR-10's 60k images are 184 MB), one class index per image.
export interface LabelledImages {
  /** N x height x width x channels, uint8, image after image. */
  images: Uint8Array;
  /** N class indices into `classes`. */
  labels: Uint8Array;
  height: number;
  width: number;
  channels: 1 | 3;
  classes: readonly string[];
}

export function imageCount(d: LabelledImages): number {
  return d.labels.length;
}

/** Throws, naming `label`, when the buffers do not agree with the declared shape. */
export function assertLabelledImages(d: LabelledImages, label: string): void {
  const n = d.labels.length;
  const per = d.height * d.width * d.channels;
  if (d.images.length !== n * per) throw new Error(`${label}: ${d.images.length} image bytes for ${n} labels of ${d.height}x${d.width}x${d.channels}`);
  const bad = d.labels.findIndex((l) => l >= d.classes.length);
  if (bad >= 0) throw new Error(`${label}: label ${d.labels[bad]} of image ${bad} is not below ${d.classes.length} classes`);
}

/**
 * The first `perClass` images of each class, in the original order: a balanced
 * subset that is the same for every seed (quick profiles train on these).
 */
export function balancedSubset(d: LabelledImages, perClass: number): LabelledImages {
  const per = d.height * d.width * d.channels;
  const taken = new Array<number>(d.classes.length).fill(0);
  const keep: number[] = [];
  for (let i = 0; i < d.labels.length; i++) {
    if (taken[d.labels[i]] < perClass) {
      taken[d.labels[i]]++;
      keep.push(i);
    }
  }
  const short = taken.findIndex((t) => t < perClass);
  if (short >= 0) throw new Error(`balancedSubset: class ${d.classes[short]} has ${taken[short]} images, fewer than ${perClass}`);
  const images = new Uint8Array(keep.length * per);
  keep.forEach((src, dst) => images.set(d.images.subarray(src * per, (src + 1) * per), dst * per));
  return { ...d, images, labels: Uint8Array.from(keep.map((i) => d.labels[i])) };
}

/** Splits off the images at `indices` (sorted, distinct): `held` keeps their order, `rest` the others'. */
export function splitOff(d: LabelledImages, indices: readonly number[]): { rest: LabelledImages; held: LabelledImages } {
  const per = d.height * d.width * d.channels;
  const take = new Uint8Array(d.labels.length);
  for (const i of indices) {
    if (!(i >= 0 && i < d.labels.length)) throw new Error(`splitOff: index ${i} is outside the ${d.labels.length} images`);
    take[i] = 1;
  }
  const pick = (want: number): LabelledImages => {
    const keep: number[] = [];
    for (let i = 0; i < take.length; i++) if (take[i] === want) keep.push(i);
    const images = new Uint8Array(keep.length * per);
    keep.forEach((src, dst) => images.set(d.images.subarray(src * per, (src + 1) * per), dst * per));
    return { ...d, images, labels: Uint8Array.from(keep.map((i) => d.labels[i])) };
  };
  return { rest: pick(0), held: pick(1) };
}
