// An in-memory Tracker for scratch debugging only; tests use the real local store.
import type { RunHandle, RunRecord, StartRunOptions, Tracker } from '@kdlab/tracking';

export class MemoryTracker implements Tracker {
  readonly kind = 'local' as const;
  readonly uri = 'memory:';
  readonly runs = new Map<string, RunRecord & { history: { key: string; value: number; step: number }[] }>();

  async startRun(opts: StartRunOptions): Promise<RunHandle> {
    const runId = opts.resumeRunId ?? `run${this.runs.size}`;
    const rec = this.runs.get(runId) ?? { runId, experimentId: '0', experimentName: opts.experiment, runName: opts.runName ?? runId, status: 'RUNNING' as const, startTime: Date.now(), params: {}, tags: {}, metrics: {}, artifactUri: '', history: [] };
    rec.status = 'RUNNING';
    this.runs.set(runId, rec);
    return {
      runId,
      logParams: async (p) => void Object.assign(rec.params, Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)]))),
      logMetric: (key, value, step) => {
        rec.metrics[key] = value;
        rec.history.push({ key, value, step });
      },
      logMetrics: (values, step) => {
        for (const [k, v] of Object.entries(values)) {
          rec.metrics[k] = v;
          rec.history.push({ key: k, value: v, step });
        }
      },
      setTags: async (t) => void Object.assign(rec.tags, t),
      logArtifact: async () => undefined,
      flush: async () => undefined,
      end: async (status = 'FINISHED') => void (rec.status = status),
    };
  }
  async searchRuns(): Promise<RunRecord[]> {
    return [...this.runs.values()];
  }
  async getMetricHistory(runId: string, key: string) {
    return (this.runs.get(runId)?.history ?? []).filter((h) => h.key === key).map((h) => ({ ...h, timestamp: 0 }));
  }
  async downloadArtifact(): Promise<string> {
    throw new Error('not kept');
  }
}
