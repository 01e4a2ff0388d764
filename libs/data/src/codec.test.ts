import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodeImage, ImageReadError, listImageFiles, readImage, writeImage } from './codec';
import { dataPath } from './root';
import type { Image } from './image';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-codec-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A 24-bit BMP written by hand (bottom-up BGR rows padded to 4 bytes): independent of TF's codecs. */
function bmp24(img: Image): Buffer {
  const rowBytes = Math.ceil((img.width * 3) / 4) * 4;
  const buf = Buffer.alloc(54 + rowBytes * img.height);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(img.width, 18);
  buf.writeInt32LE(img.height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(24, 28);
  buf.writeUInt32LE(rowBytes * img.height, 34);
  for (let y = 0; y < img.height; y++) {
    const row = 54 + (img.height - 1 - y) * rowBytes;
    for (let x = 0; x < img.width; x++) {
      const s = (y * img.width + x) * 3;
      buf[row + x * 3] = img.data[s + 2];
      buf[row + x * 3 + 1] = img.data[s + 1];
      buf[row + x * 3 + 2] = img.data[s];
    }
  }
  return buf;
}

function pattern(height: number, width: number, channels: 1 | 3): Image {
  const data = new Uint8Array(height * width * channels);
  for (let i = 0; i < data.length; i++) data[i] = (i * 29 + 7) % 256;
  return { data, height, width, channels };
}

describe('readImage / writeImage', () => {
  it('reads a real Set5 PNG as 3-channel HWC uint8', () => {
    const img = readImage(dataPath('sr/Set5/bird.png'));
    expect([img.height, img.width, img.channels]).toEqual([288, 288, 3]);
    expect(img.data.length).toBe(288 * 288 * 3);
  });

  it('keeps the greyscale Set14 bridge as one channel', () => {
    const img = readImage(dataPath('sr/Set14/bridge.png'));
    expect([img.height, img.width, img.channels]).toEqual([512, 512, 1]);
  });

  it('round-trips PNG losslessly, RGB and grey', () => {
    for (const img of [pattern(7, 5, 3), pattern(4, 9, 1)]) {
      const file = path.join(tmp, `rt-${img.channels}.png`);
      writeImage(file, img);
      const back = readImage(file);
      expect(back).toEqual(img);
    }
  });

  it('reads a BMP written by an independent encoder', () => {
    const img = pattern(5, 7, 3); // odd width: exercises row padding
    const file = path.join(tmp, 'hand.bmp');
    fs.writeFileSync(file, bmp24(img));
    expect(readImage(file)).toEqual(img);
  });

  it('writes and reads JPEG (lossy, close to the original)', () => {
    const bird = readImage(dataPath('sr/Set5/bird.png'));
    const file = path.join(tmp, 'bird.jpg');
    writeImage(file, bird);
    const back = readImage(file);
    expect([back.height, back.width, back.channels]).toEqual([288, 288, 3]);
    let se = 0;
    for (let i = 0; i < bird.data.length; i++) se += (bird.data[i] - back.data[i]) ** 2;
    const psnr = 10 * Math.log10((255 * 255) / (se / bird.data.length));
    expect(psnr).toBeGreaterThan(30);
    expect(psnr).toBeLessThan(80); // it really went through a lossy codec
  });

  it('names the file when it is missing, empty, truncated or not an image', () => {
    const missing = path.join(tmp, 'missing.png');
    const empty = path.join(tmp, 'empty.png');
    const truncated = path.join(tmp, 'truncated.png');
    const text = path.join(tmp, 'text.png');
    const truncJpeg = path.join(tmp, 'truncated.jpg');
    fs.writeFileSync(empty, '');
    fs.writeFileSync(truncated, fs.readFileSync(dataPath('sr/Set5/baby.png')).subarray(0, 20000));
    fs.writeFileSync(text, 'this is not an image\n');
    writeImage(path.join(tmp, 'whole.jpg'), pattern(64, 64, 3));
    fs.writeFileSync(truncJpeg, fs.readFileSync(path.join(tmp, 'whole.jpg')).subarray(0, 300));
    for (const [file, why] of [[missing, /not found/], [empty, /empty/], [truncated, /cannot decode/], [text, /cannot decode/], [truncJpeg, /cannot decode/]] as const) {
      expect(() => readImage(file)).toThrow(ImageReadError);
      expect(() => readImage(file)).toThrow(file);
      expect(() => readImage(file)).toThrow(why);
    }
  });

  it('drops alpha: RGBA decodes to RGB', () => {
    // A 1x1 RGBA PNG (red, alpha 128) as encoded by Pillow.
    const rgba = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0d00000048101802c55ceb00000000049454e44ae426082', 'hex');
    const img = decodeImage(rgba, 'rgba.png');
    expect(img.channels).toBe(3);
    expect(Array.from(img.data)).toEqual([255, 0, 0]);
  });

  it('refuses an unknown output extension, naming the file', () => {
    expect(() => writeImage(path.join(tmp, 'x.tiff'), pattern(2, 2, 3))).toThrow(/x\.tiff: cannot write \.tiff/);
  });

  it('lists image files by extension, sorted', () => {
    const dir = path.join(tmp, 'list');
    fs.mkdirSync(dir);
    for (const f of ['b.PNG', 'a.jpg', 'c.txt', 'd.bmp']) fs.writeFileSync(path.join(dir, f), '');
    expect(listImageFiles(dir).map((f) => path.basename(f))).toEqual(['a.jpg', 'b.PNG', 'd.bmp']);
  });
});
