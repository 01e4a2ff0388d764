import * as fs from 'fs';
import * as path from 'path';

/**
 * Writes via a temp file in the same folder and a rename, so a reader (or a crash mid-write)
 * never sees a partial file: caches and outputs are either complete or absent.
 */
export function writeFileAtomic(file: string, bytes: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
