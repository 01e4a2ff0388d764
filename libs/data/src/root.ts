// Where benchmark data lives. Data is read in place, never copied into the repo.
import * as fs from 'fs';
import * as path from 'path';

/** The repository root: the nearest folder above this file holding nx.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'nx.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no nx.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

/**
 * KDLAB_DATA_ROOT when set, else `../shared/datasets` beside the repository when
 * that exists. A missing root is an error that says how to set it.
 */
export function dataRoot(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.KDLAB_DATA_ROOT;
  if (configured) {
    const abs = path.resolve(configured);
    if (!fs.existsSync(abs)) throw new Error(`KDLAB_DATA_ROOT=${configured}: no such directory`);
    return abs;
  }
  const shared = path.resolve(repoRoot(), '..', 'shared', 'datasets');
  if (fs.existsSync(shared)) return shared;
  throw new Error(`no data root: set KDLAB_DATA_ROOT (the default ${shared} does not exist)`);
}

/** Resolves a dataset-relative path under the data root, naming it when missing. */
export function dataPath(relative: string, env: NodeJS.ProcessEnv = process.env): string {
  const p = path.join(dataRoot(env), relative);
  if (!fs.existsSync(p)) throw new Error(`${p}: not found under the data root (KDLAB_DATA_ROOT)`);
  return p;
}
