import * as zlib from 'zlib';
import { parseIdx } from './idx';

function idx(shape: number[], values: number[]): Uint8Array {
  const head = Buffer.alloc(4 + 4 * shape.length);
  head[2] = 0x08;
  head[3] = shape.length;
  shape.forEach((s, i) => head.writeUInt32BE(s, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([head, Buffer.from(values)]));
}

describe('IDX reader', () => {
  it('reads shape and values, plain or gzip-compressed', () => {
    const raw = idx([2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const bytes of [raw, new Uint8Array(zlib.gzipSync(raw))]) {
      const a = parseIdx(bytes, 'x');
      expect(a.shape).toEqual([2, 2, 3]);
      expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    }
  });

  it('names the file on a bad magic, a non-byte type or a truncated body', () => {
    expect(() => parseIdx(new Uint8Array([1, 2, 3, 4]), 'a.idx')).toThrow(/a\.idx: not an IDX file/);
    const wrongType = idx([1], [0]);
    wrongType[2] = 0x0d;
    expect(() => parseIdx(wrongType, 'b.idx')).toThrow(/b\.idx: IDX type 0xd/);
    expect(() => parseIdx(idx([4], [1, 2]), 'c.idx')).toThrow(/c\.idx: IDX shape \[4\] needs 4 values, the file holds 2/);
  });
});
