// What a run records about where it came from: the code (git commit, dirty
// flag) and the engine (backend, device, threads, versions).
import { execFileSync } from 'child_process';
import { engine, engineInfo } from '@kdlab/engine';
import { repoRoot } from '@kdlab/data';
import { TAG } from './train/naming';

export interface GitState {
  commit: string;
  dirty: boolean;
}

export function gitState(cwd: string = repoRoot()): GitState {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git('rev-parse', 'HEAD');
    // Tracked files only: untracked scratch files do not change what ran.
    const dirty = git('status', '--porcelain', '--untracked-files=no').length > 0;
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: true };
  }
}

/** Provenance tags for a run: git, engine and library versions. */
export function provenanceTags(): Record<string, string> {
  const git = gitState();
  const info = engineInfo(engine);
  const tags: Record<string, string> = {
    [TAG.gitCommit]: git.commit,
    [TAG.gitDirty]: String(git.dirty),
    [TAG.backend]: info.backend,
    [TAG.device]: `${info.device} (${info.cpuModel})`,
    [TAG.threads]: String(info.threads),
    'mlflow.source.git.commit': git.commit,
  };
  tags[TAG.versions] = JSON.stringify(info.versions);
  tags[TAG.threadEnv] = JSON.stringify(info.threadEnv);
  tags[TAG.engineKernels] = JSON.stringify({ changes: info.kernelChanges, switches: info.switches });
  return tags;
}
