// A reader for the safetensors format (Hugging Face): an 8-byte little-endian header length N,
// N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}},
// then the raw little-endian tensor bytes, offsets relative to the end of the header.
// The format is small and fixed, so kdlab reads it directly rather than through a dependency;
// only the dtypes a BERT checkpoint uses are decoded (F32, F16, I64 as numbers).
import * as fs from 'fs';

export interface SafeTensor {
  dtype: string;
  shape: number[];
  /** Values as float32 (F16 widened, I64/I32 converted). */
  values: Float32Array;
}

const DTYPE_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4 };

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function decode(buf: Buffer, begin: number, end: number, dtype: string, name: string, file: string): Float32Array {
  const n = (end - begin) / DTYPE_BYTES[dtype];
  const view = new DataView(buf.buffer, buf.byteOffset + begin, end - begin);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    switch (dtype) {
      case 'F32': out[i] = view.getFloat32(4 * i, true); break;
      case 'F16': out[i] = halfToFloat(view.getUint16(2 * i, true)); break;
      case 'BF16': out[i] = new Float32Array(new Uint32Array([view.getUint16(2 * i, true) << 16]).buffer)[0]; break;
      case 'I32': out[i] = view.getInt32(4 * i, true); break;
      case 'I64': out[i] = Number(view.getBigInt64(8 * i, true)); break;
      default: throw new Error(`${file}: tensor ${name}: unsupported dtype ${dtype}`);
    }
  }
  return out;
}

/** All tensors of a safetensors buffer by name; errors name the file and the tensor. */
export function parseSafetensors(buf: Buffer, file = '<buffer>'): Map<string, SafeTensor> {
  if (buf.length < 8) throw new Error(`${file}: too short for a safetensors file (${buf.length} bytes)`);
  const headerLength = Number(buf.readBigUInt64LE(0));
  if (headerLength <= 0 || 8 + headerLength > buf.length) throw new Error(`${file}: header length ${headerLength} does not fit in ${buf.length} bytes`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + headerLength).toString('utf8'));
  } catch (err) {
    throw new Error(`${file}: the safetensors header is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const dataStart = 8 + headerLength;
  const out = new Map<string, SafeTensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = info as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (!(dtype in DTYPE_BYTES)) throw new Error(`${file}: tensor ${name}: unsupported dtype ${dtype}`);
    const count = shape.reduce((a, b) => a * b, 1);
    const [begin, end] = offsets;
    if (end - begin !== count * DTYPE_BYTES[dtype] || dataStart + end > buf.length) {
      throw new Error(`${file}: tensor ${name}: data_offsets [${begin}, ${end}] do not match shape [${shape}] of ${dtype} in a file of ${buf.length} bytes`);
    }
    out.set(name, { dtype, shape, values: decode(buf, dataStart + begin, dataStart + end, dtype, name, file) });
  }
  return out;
}

export function readSafetensors(file: string): Map<string, SafeTensor> {
  return parseSafetensors(fs.readFileSync(file), file);
}
