// A weights directory: `tensors.bin` (raw little-endian values), `tensors.json`
// (groups of named tensors with shapes and offsets, plus the sha256 of the
// bin) and `state.json` (anything JSON). Written into a temporary sibling and
// renamed, so a crash mid-write never leaves a half checkpoint behind.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { StoredTensor } from './stored';

interface Entry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  length: number;
}

interface Index {
  format: 'kdlab-weights-1';
  sha256: string;
  groups: Record<string, Entry[]>;
}

export interface WeightsDir {
  groups: Record<string, StoredTensor[]>;
  state: Record<string, unknown>;
}

function writeSynced(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    if (typeof data === 'string') fs.writeSync(fd, data);
    else fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function writeWeightsDir(dir: string, content: WeightsDir): void {
  const parts: Buffer[] = [];
  let offset = 0;
  const groups: Record<string, Entry[]> = {};
  for (const [g, tensors] of Object.entries(content.groups)) {
    groups[g] = tensors.map((t) => {
      const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      parts.push(bytes);
      const e = { name: t.name, shape: t.shape, dtype: t.dtype, offset, length: t.data.length };
      offset += bytes.length;
      return e;
    });
  }
  const bin = Buffer.concat(parts);
  const index: Index = { format: 'kdlab-weights-1', sha256: createHash('sha256').update(bin).digest('hex'), groups };
  const tmp = path.join(path.dirname(dir), `.tmp-${path.basename(dir)}-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  writeSynced(path.join(tmp, 'tensors.bin'), bin);
  writeSynced(path.join(tmp, 'tensors.json'), JSON.stringify(index, null, 1));
  writeSynced(path.join(tmp, 'state.json'), JSON.stringify(content.state, null, 1));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}

export function readWeightsDir(dir: string): WeightsDir {
  const indexFile = path.join(dir, 'tensors.json');
  if (!fs.existsSync(indexFile)) throw new Error(`${dir}: not a kdlab weights directory (no tensors.json)`);
  const index = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as Index;
  if (index.format !== 'kdlab-weights-1') throw new Error(`${indexFile}: unknown format ${JSON.stringify(index.format)}`);
  const bin = fs.readFileSync(path.join(dir, 'tensors.bin'));
  const sha = createHash('sha256').update(bin).digest('hex');
  if (sha !== index.sha256) throw new Error(`${dir}/tensors.bin: checksum mismatch (file is damaged)`);
  const groups: Record<string, StoredTensor[]> = {};
  for (const [g, entries] of Object.entries(index.groups)) {
    groups[g] = entries.map((e) => {
      // Copy into an aligned buffer: a typed array needs a 4-byte-aligned offset.
      const bytes = bin.subarray(e.offset, e.offset + e.length * 4);
      const aligned = new ArrayBuffer(bytes.length);
      new Uint8Array(aligned).set(bytes);
      return { name: e.name, shape: e.shape, dtype: e.dtype, data: e.dtype === 'float32' ? new Float32Array(aligned) : new Int32Array(aligned) };
    });
  }
  const stateFile = path.join(dir, 'state.json');
  const state = fs.existsSync(stateFile) ? (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as Record<string, unknown>) : {};
  return { groups, state };
}
