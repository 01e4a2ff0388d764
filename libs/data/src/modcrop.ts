import { cropImage, type Image } from './image';

/** MATLAB-style modcrop: drop the last rows/columns so height and width are multiples of `scale`. */
export function modcrop(img: Image, scale: number): Image {
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`modcrop: scale must be a positive integer, got ${scale}`);
  const h = img.height - (img.height % scale);
  const w = img.width - (img.width % scale);
  if (h === 0 || w === 0) throw new Error(`modcrop: a ${img.height}x${img.width} image is smaller than scale ${scale}`);
  if (h === img.height && w === img.width) return img;
  return cropImage(img, 0, 0, h, w);
}
