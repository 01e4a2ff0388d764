// Checksums: verify a dataset against its manifest, and (re)compute a manifest's file list.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { READABLE_EXTENSIONS } from './codec';
import { datasetDir, loadManifest, manifestFiles, manifestPath, type DatasetManifest, type ManifestFile } from './manifest';
import { writeFileAtomic } from './atomic';

export function sha256(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** Reads a file, naming it when it is missing. */
export function readFileNamed(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${file}: ${code === 'ENOENT' ? 'not found' : `cannot read (${code ?? String(err)})`}`);
  }
}

/** Throws, naming the file, when its bytes do not match the manifest entry. */
export function checkFile(file: string, bytes: Uint8Array, entry: ManifestFile, dataset: string): string {
  const actual = sha256(bytes);
  if (actual !== entry.sha256) {
    throw new Error(`${file}: sha256 ${actual} does not match the ${dataset} manifest (${entry.sha256}, ${entry.bytes} bytes; this file has ${bytes.length})`);
  }
  return actual;
}

/** One digest for the whole dataset: sha256 over "path sha256" lines in manifest order. */
export function datasetDigest(manifest: DatasetManifest): string {
  return sha256(Buffer.from(manifest.files.map((f) => `${f.path} ${f.sha256}\n`).join('')));
}

/** Checks every file of a dataset against its manifest; the result goes into run provenance. */
export function verifyDataset(name: string, env: NodeJS.ProcessEnv = process.env): { name: string; files: number; sha256: string } {
  const manifest = loadManifest(name);
  for (const { file, entry } of manifestFiles(manifest, env)) checkFile(file, readFileNamed(file), entry, name);
  return { name, files: manifest.files.length, sha256: datasetDigest(manifest) };
}

function listDataFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const ent of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${ent.name}` : ent.name;
    if (ent.isDirectory()) out.push(...listDataFiles(dir, rel));
    else if ((READABLE_EXTENSIONS as readonly string[]).includes(path.extname(ent.name).toLowerCase())) out.push(rel);
  }
  return out;
}

/** Natural order (t2 before t10), so manifests read the way people list the images. */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The image files under a manifest's root, hashed: what its `files` should say. */
export function hashDatasetFiles(name: string, env: NodeJS.ProcessEnv = process.env): ManifestFile[] {
  const manifest = loadManifest(name);
  const dir = datasetDir(manifest, env);
  if (!fs.existsSync(dir)) throw new Error(`dataset ${name}: ${dir} not found under the data root`);
  const files = listDataFiles(dir).sort(naturalCompare).map((rel) => {
    const bytes = readFileNamed(path.join(dir, rel));
    return { path: rel, sha256: sha256(bytes), bytes: bytes.length };
  });
  if (files.length === 0) throw new Error(`dataset ${name}: no image files under ${dir}`);
  return files;
}

/** Rewrites datasets/<name>.json with freshly hashed `files` (other fields untouched). */
export function rehashManifest(name: string, env: NodeJS.ProcessEnv = process.env): DatasetManifest {
  const updated: DatasetManifest = { ...loadManifest(name), files: hashDatasetFiles(name, env) };
  delete updated.filesNote;
  writeFileAtomic(manifestPath(name), `${JSON.stringify(updated, null, 2)}\n`);
  return updated;
}
