// File writes that a crash cannot leave half done: write a temporary file,
// then rename it over the target (atomic on one filesystem).
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

function tmpName(dir: string, base: string): string {
  return path.join(dir, `.${base}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes `data` to `file` atomically. The temporary file is made in `tmpDir`
 * (same filesystem; by default the target's folder): MLflow lists every file
 * under params/, tags/ and artifacts/, so temporaries must not live there.
 */
export function writeFileAtomic(file: string, data: string | Buffer, tmpDir: string = path.dirname(file)): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.mkdirSync(tmpDir, { recursive: true });
  const tmp = tmpName(tmpDir, path.basename(file));
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Copies a file into place atomically (copy to a temporary file, then rename). */
export function copyFileAtomic(src: string, dest: string, tmpDir: string = path.dirname(dest)): void {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.mkdirSync(tmpDir, { recursive: true });
  const tmp = tmpName(tmpDir, path.basename(dest));
  try {
    fs.copyFileSync(src, tmp);
    fs.renameSync(tmp, dest);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Creates `file` with `data` only if it does not exist, atomically: the
 * content is complete before the name appears (hard link of a finished
 * temporary). Returns false when the file already existed.
 */
export function createFileExclusive(file: string, data: string | Buffer, tmpDir: string = path.dirname(file)): boolean {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tmpName(tmpDir, path.basename(file));
  fs.writeFileSync(tmp, data);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Appends whole lines with one write. If an earlier writer died mid-line, the
 * torn tail is cut back to the last complete line first, so readers never see
 * a half-written point.
 */
export function appendLines(file: string, text: string, repairTail: boolean): void {
  if (repairTail) truncateTornTail(file);
  const fd = fs.openSync(file, 'a');
  try {
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
  } finally {
    fs.closeSync(fd);
  }
}

export function truncateTornTail(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return;
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return;
    // Find the last newline, reading backwards in blocks.
    const block = Buffer.alloc(Math.min(size, 64 * 1024));
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - block.length);
      const n = fs.readSync(fd, block, 0, end - start, start);
      const idx = block.subarray(0, n).lastIndexOf(0x0a);
      if (idx >= 0) {
        fs.ftruncateSync(fd, start + idx + 1);
        return;
      }
      end = start;
    }
    fs.ftruncateSync(fd, 0);
  } finally {
    fs.closeSync(fd);
  }
}

/** Files under `dir`, recursively, as "/"-separated paths relative to it (sorted). */
export function listFilesRecursive(dir: string, opts: { skipHidden?: boolean } = {}): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    let ents: fs.Dirent[];
    try {
      ents = fs.readdirSync(d, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const ent of ents) {
      if (opts.skipHidden && ent.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) walk(path.join(d, ent.name), r);
      else if (ent.isFile()) out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}
