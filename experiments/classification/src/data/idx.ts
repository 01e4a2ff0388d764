// The IDX format of (Fashion-)MNIST: a big-endian header — two zero bytes, a
// type code (0x08 = unsigned byte), the number of dimensions — then one
// uint32 size per dimension, then the values. Files may be gzip-compressed
// (Debian ships them as *.gz); the gzip magic bytes decide.
import * as fs from 'fs';
import * as zlib from 'zlib';

export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

export function parseIdx(bytes: Uint8Array, label: string): IdxArray {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(zlib.gunzipSync(bytes)) : bytes;
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0) throw new Error(`${label}: not an IDX file (bad magic ${Array.from(raw.subarray(0, 4)).join(',')})`);
  if (raw[2] !== UBYTE) throw new Error(`${label}: IDX type 0x${raw[2].toString(16)} is not unsigned byte (0x08)`);
  const dims = raw[3];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (raw.length < 4 + 4 * dims) throw new Error(`${label}: truncated IDX header (${dims} dimensions)`);
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * dims;
  if (raw.length !== start + count) throw new Error(`${label}: IDX shape [${shape.join(', ')}] needs ${count} values, the file holds ${raw.length - start}`);
  return { shape, data: raw.subarray(start) };
}

export function readIdx(file: string): IdxArray {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${file}: ${code === 'ENOENT' ? 'not found' : `cannot read (${code ?? String(err)})`}`);
  }
  return parseIdx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), file);
}
