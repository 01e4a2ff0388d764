// What tracking already holds: the FINISHED run of each config hash in the study's experiment (the
// latest if one ran twice). This is what makes a study resumable from any machine: a cell whose hash
// is here is reused, never run again.
import type { RunRecord, Tracker } from '@kdlab/tracking';

export const CONFIG_HASH_TAG = 'kdlab.config_hash';

export async function finishedRuns(tracker: Tracker, experiment: string): Promise<Map<string, RunRecord>> {
  const runs = await tracker.searchRuns({ experiment, maxResults: 100000 }).catch((err: Error) => {
    if (/not found|does not exist/i.test(err.message)) return [];
    throw err;
  });
  const byHash = new Map<string, RunRecord>();
  for (const r of runs) {
    const hash = r.tags[CONFIG_HASH_TAG];
    if (r.status !== 'FINISHED' || !hash) continue;
    const prev = byHash.get(hash);
    if (!prev || r.startTime > prev.startTime) byHash.set(hash, r);
  }
  return byHash;
}
