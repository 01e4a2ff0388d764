// Training pairs of C2-Matching's correspondence network (issue 12; read in yumingj/C2-Matching@6d60149,
// mmsr/data/contras_dataset.py: image_pair_generation, ContrasDataset): view 2 is view 1 warped by a random
// homography whose four control corners move by a random integer in [0, maxShift] px along x and along y,
// each with a random sign (released: np.random.randint(0, 10), i.e. 0..9 px, on 160×160 images). Returned
// with the position of every view-1 pixel in view 2 (the released `transformed_coordinate`), which is what
// the c2-triplet and c2-correlation-kd losses read as context.correspondence.
// Choices: the control corners are the image's own corners (released: a 160 px window whose top-left is
// drawn in [10, 160), mostly outside the image); bilinear sampling in floating point, rounded to uint8, and
// 0 outside view 1 (cv2.warpPerspective's default BORDER_CONSTANT; its fixed-point weights are not copied).
import type { Rng } from '@kdlab/engine';
import { createImage, type Image } from './image';

type Point = readonly [number, number];

/** The homography (3×3 row-major, h33 = 1) sending each src[k] to dst[k] (four points, no three collinear). */
export function homographyFromCorners(src: readonly Point[], dst: readonly Point[]): number[] {
  if (src.length !== 4 || dst.length !== 4) throw new Error(`homographyFromCorners: expected 4 point pairs, got ${src.length} and ${dst.length}`);
  // 8 equations a·h = b in h11..h32; Gaussian elimination with partial pivoting.
  const a: number[][] = [];
  for (let k = 0; k < 4; k++) {
    const [x, y] = src[k];
    const [u, v] = dst[k];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (Math.abs(a[p][c]) < 1e-12) throw new Error('homographyFromCorners: degenerate corners (three collinear?)');
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k < 9; k++) a[r][k] -= f * a[c][k];
    }
  }
  return [...a.map((row, i) => row[8] / row[i]), 1];
}

/** The inverse of a 3×3 homography, scaled so that h33 = 1. */
export function invertHomography(h: readonly number[]): number[] {
  const [a, b, c, d, e, f, g, k, l] = h;
  const inv = [e * l - f * k, c * k - b * l, b * f - c * e, f * g - d * l, a * l - c * g, c * d - a * f, d * k - e * g, b * g - a * k, a * e - b * d];
  const det = a * inv[0] + b * inv[3] + c * inv[6];
  if (Math.abs(det) < 1e-15) throw new Error(`invertHomography: singular matrix [${h.join(', ')}]`);
  return inv.map((v) => v / inv[8]);
}

function apply(h: readonly number[], x: number, y: number): Point {
  const w = h[6] * x + h[7] * y + h[8];
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}

/** out(q) = img(toSource(q)), bilinear, 0 where toSource(q) falls outside img. */
export function warpPerspective(img: Image, toSource: readonly number[]): Image {
  const { height, width, channels, data } = img;
  const out = createImage(height, width, channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = apply(toSource, x, y);
      if (!(sx > -1 && sy > -1 && sx < width && sy < height)) continue;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < channels; c++) {
        const at = (yy: number, xx: number) => (yy >= 0 && yy < height && xx >= 0 && xx < width ? data[(yy * width + xx) * channels + c] : 0);
        const v = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
        out.data[(y * width + x) * channels + c] = Math.round(v);
      }
    }
  }
  return out;
}

export interface HomographyPair {
  /** View 1 warped: reference(q) = input(H⁻¹ q). */
  reference: Image;
  /** [H, W, 2] row-major: (x, y) in view 2 of each view-1 pixel. */
  correspondence: Float32Array;
  /** View 1 → view 2 (3×3 row-major, h33 = 1). */
  homography: number[];
}

/** A C2-Matching training pair from one image: random corner moves of up to `maxShift` px (released 9). */
export function randomHomographyPair(img: Image, rng: Rng, maxShift = 9): HomographyPair {
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new Error(`randomHomographyPair: maxShift must be a non-negative integer, got ${maxShift}`);
  const { width: w, height: h } = img;
  const corners: Point[] = [[0, 0], [w, 0], [w, h], [0, h]];
  const move = () => rng.int(maxShift + 1) * (rng.next() < 0.5 ? -1 : 1);
  const moved: Point[] = corners.map(([x, y]) => [x + move(), y + move()]);
  // As released: view 2 samples view 1 at G q, where G sends the corners to the moved corners.
  const toSource = homographyFromCorners(corners, moved);
  const homography = invertHomography(toSource);
  const correspondence = new Float32Array(h * w * 2);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [u, v] = apply(homography, x, y);
      correspondence[(y * w + x) * 2] = u;
      correspondence[(y * w + x) * 2 + 1] = v;
    }
  }
  return { reference: warpPerspective(img, toSource), correspondence, homography };
}
