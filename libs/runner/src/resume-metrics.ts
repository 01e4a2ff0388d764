// Resuming a run replays the steps between its last checkpoint and the crash, and the run's
// start logs its step-0 metrics (model size) again. The store already holds those points (they
// were logged before the crash, and a resumed run computes them bit-identically), so a resumed
// run's handle drops every point whose (key, step) the store already has: each metric keeps
// exactly one point per step, in the local file store and on an MLflow server alike.
// Points still buffered in the killed process never reached the store and are logged on replay.
import type { RunHandle, Tracker } from '@kdlab/tracking';

/** (key -> steps) of every metric point the store holds for the run. */
export async function loggedSteps(tracker: Tracker, experiment: string, runId: string): Promise<Map<string, Set<number>>> {
  const record = (await tracker.searchRuns({ experiment })).find((r) => r.runId === runId);
  const out = new Map<string, Set<number>>();
  if (!record) return out;
  for (const key of Object.keys(record.metrics)) {
    out.set(key, new Set((await tracker.getMetricHistory(runId, key)).map((p) => p.step)));
  }
  return out;
}

/** `handle`, except that metric points already in the store (same key and step) are not logged again. */
export function skippingLoggedPoints(handle: RunHandle, logged: Map<string, Set<number>>): RunHandle {
  const fresh = (key: string, step: number) => !logged.get(key)?.has(step);
  return {
    get runId() {
      return handle.runId;
    },
    logParams: (p) => handle.logParams(p),
    logMetric: (key, value, step, timestamp) => {
      if (fresh(key, step)) handle.logMetric(key, value, step, timestamp);
    },
    logMetrics: (values, step, timestamp) => {
      const kept = Object.fromEntries(Object.entries(values).filter(([k]) => fresh(k, step)));
      if (Object.keys(kept).length > 0) handle.logMetrics(kept, step, timestamp);
    },
    setTags: (t) => handle.setTags(t),
    logArtifact: (p, a) => handle.logArtifact(p, a),
    flush: () => handle.flush(),
    end: (s) => handle.end(s),
  };
}
