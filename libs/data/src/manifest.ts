// Dataset manifests: datasets/<name>.json declares what a dataset is (files with checksums,
// licence, source, citation) so runs can prove which data they used.
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { dataRoot, repoRoot } from './root';

export const ManifestFileSchema = z.object({
  /** Relative to the manifest's `root`, with '/' separators. */
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256'),
  bytes: z.number().int().nonnegative(),
});

/** A downloadable archive of the dataset, with the size and sha256 to verify it by. */
export const ManifestArchiveSchema = z.object({
  url: z.string().min(1),
  bytes: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256'),
});

export const DatasetManifestSchema = z.object({
  name: z.string().min(1),
  description: z.string(),
  task: z.string(),
  /** How kdlab uses it, e.g. 'train' or 'test'. */
  split: z.string(),
  /** Folder under the data root (KDLAB_DATA_ROOT). */
  root: z.string().min(1),
  license: z.string(),
  source: z.object({ url: z.string(), note: z.string().optional() }),
  citation: z.string(),
  /** Empty when the data is not on the machine that wrote the manifest; `filesNote` says so. */
  files: z.array(ManifestFileSchema),
  filesNote: z.string().optional(),
  /** Official archives (for datasets not on this machine: what a user downloads and checks). */
  archives: z.array(ManifestArchiveSchema).optional(),
  archivesNote: z.string().optional(),
  notes: z.array(z.string()).optional(),
  /**
   * A validation split carved from training data: the datasets it is held out of, and the rule
   * that chose it. Loaders of those datasets leave these items out of training. For a dataset kept
   * in one file (IDX), `indices` are the held-out items (0-based) and `itemsSha256` the sha256 of
   * their bytes (image then label, in index order), so the subset itself is checksummed.
   */
  heldOutOf: z
    .object({
      datasets: z.array(z.string().min(1)).min(1),
      rule: z.string().min(1),
      indices: z.array(z.number().int().nonnegative()).optional(),
      itemsSha256: z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256').optional(),
    })
    .strict()
    .optional(),
});

export type ManifestFile = z.infer<typeof ManifestFileSchema>;
export type DatasetManifest = z.infer<typeof DatasetManifestSchema>;

export function manifestsDir(): string {
  return path.join(repoRoot(), 'datasets');
}

export function manifestPath(name: string): string {
  return path.join(manifestsDir(), `${name}.json`);
}

/** Names of all manifests in datasets/. */
export function listManifests(): string[] {
  return fs.readdirSync(manifestsDir()).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

export function loadManifest(name: string): DatasetManifest {
  const file = manifestPath(name);
  if (!/^[A-Za-z0-9._-]+$/.test(name) || !fs.existsSync(file)) {
    throw new Error(`no dataset manifest ${JSON.stringify(name)} (${file}); known: ${listManifests().join(', ')}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: invalid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = DatasetManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: field ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (parsed.data.name !== name) throw new Error(`${file}: name is ${JSON.stringify(parsed.data.name)}, expected ${JSON.stringify(name)}`);
  return parsed.data;
}

/** Absolute folder of a dataset under the data root. */
export function datasetDir(manifest: DatasetManifest, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataRoot(env), manifest.root);
}

/** The manifest's files as absolute paths; an error when the manifest lists none. */
export function manifestFiles(manifest: DatasetManifest, env: NodeJS.ProcessEnv = process.env): { file: string; entry: ManifestFile }[] {
  if (manifest.files.length === 0) {
    throw new Error(`dataset ${manifest.name}: its manifest lists no files (${manifest.filesNote ?? 'none recorded'}); `
      + `with the data under ${manifest.root}, record them with \`npx tsx datasets/hash.ts ${manifest.name}\``);
  }
  const dir = datasetDir(manifest, env);
  return manifest.files.map((entry) => ({ file: path.join(dir, ...entry.path.split('/')), entry }));
}

/**
 * sha256 of every file of the validation splits `names` (manifests carved from training data, with
 * `heldOutOf`), so a task can leave them out of training by content. `who` names the caller in the
 * error for a manifest that is not such a split (e.g. 'sr task').
 */
export function heldOutSha256s(names: string[], who: string): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    const m = loadManifest(name);
    if (!m.heldOutOf) throw new Error(`${who}: config.data.val names ${name}, which is not a validation split (its manifest datasets/${name}.json has no heldOutOf)`);
    for (const f of m.files) out.add(f.sha256);
  }
  return out;
}
