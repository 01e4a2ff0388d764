// `kdlab runs push`: copies a local store's experiments and runs to a server
// (params, tags, every metric point with its step and timestamp, artifacts,
// status, start and end times). Idempotent: a run is matched on the server
// by its client-side id tag, and only what the server lacks is sent, so
// pushing twice creates nothing twice.
import { MlflowClient } from './client';
import { MlflowUnavailableError } from './errors';
import { LocalStore } from './file-store';
import { CLIENT_RUN_ID_TAG, type Metric, type Param, type Run, type RunTag } from './types';

export interface PushOptions {
  /** Only experiments with these names. */
  experiments?: string[];
  /** Only runs with these client-side ids. */
  clientRunIds?: string[];
  /** One line per run. */
  log?: (line: string) => void;
}

export interface PushSummary {
  experiments: number;
  runsCreated: number;
  runsUpdated: number;
  runsUnchanged: number;
  metricPoints: number;
  params: number;
  tags: number;
  artifacts: number;
  /** Runs that could not be pushed, with the reason. */
  errors: string[];
}

const MAX = Number.MAX_VALUE;
/** A metric point's identity; ±Infinity equals ±MAX_VALUE (SQL servers store infinities as ±max double). */
function pointId(m: Metric): string {
  let v: string;
  if (Number.isNaN(m.value)) v = 'nan';
  else if (m.value >= MAX) v = 'inf';
  else if (m.value <= -MAX) v = '-inf';
  else v = String(m.value);
  return `${m.timestamp}|${m.step}|${v}`;
}

export async function pushStore(store: LocalStore, client: MlflowClient, opts: PushOptions = {}): Promise<PushSummary> {
  const log = opts.log ?? (() => undefined);
  const s: PushSummary = { experiments: 0, runsCreated: 0, runsUpdated: 0, runsUnchanged: 0, metricPoints: 0, params: 0, tags: 0, artifacts: 0, errors: [] };
  if (!store.exists()) throw new Error(`no local store at ${store.root}`);
  const wanted = opts.clientRunIds ? new Set(opts.clientRunIds) : undefined;
  for (const exp of store.listExperiments('ACTIVE_ONLY')) {
    if (opts.experiments && !opts.experiments.includes(exp.name)) continue;
    const runs = store.listRuns(exp.experimentId, 'ACTIVE_ONLY').filter((r) => !wanted || wanted.has(r.data.tags[CLIENT_RUN_ID_TAG] ?? r.info.runId));
    if (runs.length === 0 && (exp.experimentId === '0' || wanted)) continue;
    const remoteExp = await client.getOrCreateExperiment(exp.name);
    s.experiments++;
    for (const [k, v] of Object.entries(exp.tags)) if (remoteExp.tags[k] !== v) await client.setExperimentTag(remoteExp.experimentId, k, v);
    // Oldest first, so the server lists them in the same order.
    for (const run of runs.sort((a, b) => a.info.startTime - b.info.startTime)) {
      try {
        await pushRun(store, client, run, remoteExp.experimentId, s, log);
      } catch (e) {
        if (e instanceof MlflowUnavailableError) throw e;
        const msg = `run ${run.info.runName} (${run.info.runId}): ${(e as Error).message}`;
        s.errors.push(msg);
        log(`failed ${msg}`);
      }
    }
  }
  return s;
}

async function pushRun(store: LocalStore, client: MlflowClient, run: Run, experimentId: string, s: PushSummary, log: (l: string) => void): Promise<void> {
  const localId = run.info.runId;
  const clientId = run.data.tags[CLIENT_RUN_ID_TAG] ?? localId;
  let remote = await client.findRunByClientId(experimentId, clientId);
  let created = false;
  if (remote && remote.info.lifecycleStage === 'deleted') {
    log(`skipped run ${run.info.runName} (${localId}): deleted on the server`);
    s.runsUnchanged++;
    return;
  }
  if (!remote) {
    remote = await client.createRun({
      experimentId,
      runName: run.info.runName,
      startTime: run.info.startTime,
      userId: run.info.userId,
      tags: { ...run.data.tags, [CLIENT_RUN_ID_TAG]: clientId },
      clientRunId: clientId,
    });
    created = true;
  }
  const rid = remote.info.runId;

  const params: Param[] = [];
  for (const [key, value] of Object.entries(run.data.params)) {
    const there = remote.data.params[key];
    if (there === undefined) params.push({ key, value });
    else if (there !== value) throw new Error(`param ${JSON.stringify(key)} is ${JSON.stringify(there)} on the server and ${JSON.stringify(value)} locally`);
  }
  const tags: RunTag[] = Object.entries(run.data.tags)
    .filter(([k, v]) => remote!.data.tags[k] !== v)
    .map(([key, value]) => ({ key, value }));

  let points = 0;
  const metrics: Metric[] = [];
  const flushMetrics = async () => {
    if (metrics.length === 0) return;
    await client.logBatch(rid, { metrics: metrics.splice(0) });
  };
  // Params and tags first.
  if (params.length || tags.length) await client.logBatch(rid, { params, tags });
  for (const key of store.metricKeys(localId)) {
    const seen = new Set<string>();
    if (!created && remote.data.metrics[key]) for (const m of await client.getMetricHistory(rid, key)) seen.add(pointId(m));
    for (const m of store.getMetricHistory(localId, key)) {
      const id = pointId(m);
      if (seen.has(id)) continue;
      seen.add(id);
      metrics.push(m);
      points++;
      if (metrics.length >= 5000) await flushMetrics();
    }
  }
  await flushMetrics();

  let artifacts = 0;
  const localFiles = store.listArtifacts(localId);
  if (localFiles.length > 0) {
    const remoteSizes = new Map<string, number | undefined>();
    if (!created) {
      try {
        for (const f of await client.listArtifactsRecursive(remote.info.artifactUri)) remoteSizes.set(f.path, f.fileSize);
      } catch (e) {
        if ((e as { status?: number }).status !== 404) throw e;
      }
    }
    for (const f of localFiles) {
      if (remoteSizes.has(f.path) && remoteSizes.get(f.path) === f.fileSize) continue;
      await client.uploadArtifactAs(remote.info.artifactUri, store.artifactFile(localId, f.path), f.path);
      artifacts++;
    }
  }

  let statusChanged = false;
  if (run.info.status !== 'RUNNING' && (remote.info.status !== run.info.status || remote.info.endTime !== run.info.endTime)) {
    await client.updateRun(rid, { status: run.info.status, endTime: run.info.endTime });
    statusChanged = true;
  }

  s.metricPoints += points;
  s.params += params.length;
  s.tags += tags.length;
  s.artifacts += artifacts;
  const what = created ? 'created' : points || params.length || tags.length || artifacts || statusChanged ? 'updated' : 'unchanged';
  if (created) s.runsCreated++;
  else if (what === 'updated') s.runsUpdated++;
  else s.runsUnchanged++;
  log(`${what} run ${run.info.runName} (${localId} -> ${rid}): ${points} metric points, ${params.length} params, ${artifacts} artifacts, status ${run.info.status}`);
}
