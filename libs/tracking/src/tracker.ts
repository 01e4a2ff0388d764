// The Tracker: one API for the experiment runner on both stores (an MLflow
// server, or the embedded file store). Logging calls only validate and buffer;
// a background pump sends buffered data in batches, so the training loop
// never waits on the network. If the server stays down (retries exhausted) or
// rejects the run, the run carries on in a local store in MLflow's layout,
// and is pushed to the server later (automatically at the end if the server
// is back, or with `npx kdlab runs push`).
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MlflowClient } from './client';
import { resolveTrackingUri, redactUrl, type HttpSettings, type TrackingTarget } from './config';
import { TrackingValidationError } from './errors';
import { LocalStore, randomRunName } from './file-store';
import { listFilesRecursive } from './fs-util';
import { pushStore } from './push';
import { CLIENT_RUN_ID_TAG, RUN_NAME_TAG, type Metric, type Param, type Run, type RunStatus, type RunTag } from './types';
import { compileFilter } from './filter';
import { LIMITS, paramToString, validateArtifactPath, validateExperimentName, validateKey, validateParamValue, validateTagValue } from './validation';

export const SERVER_RUN_ID_TAG = 'kdlab.server_run_id';

export interface TrackerOptions {
  /** An http(s):// server, a file: URI or a path. Default: MLFLOW_TRACKING_URI, else ./mlruns. */
  trackingUri?: string;
  /** Where a server-backed run continues when the server stays down. Default: KDLAB_TRACKING_FALLBACK_DIR, else ./mlruns. */
  fallbackDir?: string;
  /** Buffered data is sent at least this often (ms). Default 1000. */
  flushIntervalMs?: number;
  /** A send starts as soon as this many metric points are buffered. Default 1000 (one log-batch request). */
  batchSize?: number;
  /** Past this many buffered points (server far behind or down), the run moves to the local store. Default 500000. */
  maxBufferedPoints?: number;
  /** How long startRun waits for the server to create the run before the run starts in the local store instead (ms). Default 30000. */
  startTimeoutMs?: number;
  /** At the end of a run that had to move to the local store, try once to push it to the server. Default true. */
  autoPush?: boolean;
  /** Overrides of MLflow's HTTP settings (retries, backoff, timeout; credentials come from the environment). */
  http?: Partial<HttpSettings>;
  env?: NodeJS.ProcessEnv;
  /** Warnings (server down, run moved to the local store). Default: console.warn. */
  log?: (message: string) => void;
}

export interface StartRunOptions {
  experiment: string;
  runName?: string;
  tags?: Record<string, unknown>;
  params?: Record<string, unknown>;
  /** ms since the epoch; now by default. */
  startTime?: number;
  /** The client-side id tagged on the run; a new UUID by default. */
  clientRunId?: string;
  /** Reopen this run (status RUNNING again) and log to it, instead of starting a new one. */
  resumeRunId?: string;
}

/** One metric point, as histories return it. */
export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  timestamp: number;
}

/** A run as search returns it: latest value per metric. */
export interface RunRecord {
  runId: string;
  experimentId: string;
  experimentName: string;
  runName: string;
  status: RunStatus;
  startTime: number;
  endTime?: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  artifactUri: string;
}

/** What the experiment runner logs through. Logging calls validate at once and buffer. */
export interface RunHandle {
  /** The run's id in the store that created it. */
  readonly runId: string;
  logParams(params: Record<string, unknown>): void;
  logMetric(key: string, value: number, step: number, timestamp?: number): void;
  logMetrics(values: Record<string, number>, step: number, timestamp?: number): void;
  setTags(tags: Record<string, unknown>): void;
  /** A file goes to `<artifactPath>/<its name>`; a directory's contents go under `artifactPath` (MLflow's log_artifacts). */
  logArtifact(localPath: string, artifactPath?: string): Promise<string | string[] | void>;
  flush(): Promise<void>;
  end(status?: RunStatus): Promise<RunSummary | void>;
}

/** One Tracker API on both stores: an MLflow server, or the embedded file store. */
export interface Tracker {
  readonly kind: 'server' | 'local';
  /** The server URL (no credentials) or the local store folder. */
  readonly uri: string;
  startRun(opts: StartRunOptions): Promise<RunHandle>;
  searchRuns(opts: { experiment: string; filter?: string; maxResults?: number }): Promise<RunRecord[]>;
  getMetricHistory(runId: string, key: string): Promise<MetricPoint[]>;
  /** Copies an artifact (file or folder) into destDir; resolves to its local path. */
  downloadArtifact(runId: string, artifactPath: string, destDir: string): Promise<string>;
}

export interface RunSummary {
  clientRunId: string;
  /** The run's id in the store that holds it now. */
  runId: string;
  /** 'server' when everything reached the server; 'local' when the run (or its tail) is in a local store. */
  store: 'server' | 'local';
  /** The server URL or the local store folder. */
  location: string;
  status: RunStatus;
  /** The run moved to the local store at some point. */
  degraded: boolean;
  /** A degraded run was pushed to the server at the end. */
  pushed: boolean;
  metricPoints: number;
}

interface Created {
  runId: string;
  artifactUri?: string;
}

/** A run reopened with `resumeRunId`. */
interface Resumed extends Created {
  experimentName: string;
  runName: string;
  startTime: number;
  clientRunId: string;
  params: Record<string, string>;
  tags: Record<string, string>;
}

interface Sink {
  readonly kind: 'server' | 'local';
  readonly location: string;
  create(r: RunRecorder): Promise<Created>;
  reopen(runId: string): Promise<void>;
  logBatch(runId: string, metrics: Metric[], params: Param[], tags: RunTag[]): Promise<void>;
  logArtifact(created: Created, localFile: string, relPath: string): Promise<void>;
  end(runId: string, status: RunStatus, endTime: number): Promise<void>;
}

class ServerSink implements Sink {
  readonly kind = 'server' as const;
  constructor(
    readonly client: MlflowClient,
    private readonly experimentId: (name: string) => Promise<string>,
  ) {}
  get location(): string {
    return redactUrl(this.client.url).replace(/\/$/, '');
  }
  async create(r: RunRecorder): Promise<Created> {
    const experimentId = await this.experimentId(r.experiment);
    const run = await this.client.createRun({ experimentId, runName: r.runName, startTime: r.startTime, tags: r.tagsSnapshot(), clientRunId: r.clientRunId });
    return { runId: run.info.runId, artifactUri: run.info.artifactUri };
  }
  async reopen(runId: string): Promise<void> {
    await this.client.updateRun(runId, { status: 'RUNNING' });
  }
  async logBatch(runId: string, metrics: Metric[], params: Param[], tags: RunTag[]): Promise<void> {
    await this.client.logBatch(runId, { metrics, params, tags });
  }
  async logArtifact(created: Created, localFile: string, relPath: string): Promise<void> {
    await this.client.uploadArtifactAs(created.artifactUri!, localFile, relPath);
  }
  async end(runId: string, status: RunStatus, endTime: number): Promise<void> {
    await this.client.updateRun(runId, { status, endTime });
  }
}

class LocalSink implements Sink {
  readonly kind = 'local' as const;
  constructor(readonly store: LocalStore) {}
  get location(): string {
    return this.store.root;
  }
  async create(r: RunRecorder): Promise<Created> {
    return this.createSync(r);
  }
  createSync(r: RunRecorder): Created {
    const exp = this.store.getOrCreateExperiment(r.experiment);
    const run = this.store.createRun({ experimentId: exp.experimentId, runName: r.runName, startTime: r.startTime, tags: r.tagsSnapshot(), clientRunId: r.clientRunId });
    const params = r.paramsSnapshot();
    if (params.length) this.store.logBatch(run.info.runId, [], params, []);
    return { runId: run.info.runId };
  }
  async reopen(runId: string): Promise<void> {
    this.store.updateRun(runId, { status: 'RUNNING' });
  }
  async logBatch(runId: string, metrics: Metric[], params: Param[], tags: RunTag[]): Promise<void> {
    this.store.logBatch(runId, metrics, params, tags);
  }
  async logArtifact(created: Created, localFile: string, relPath: string): Promise<void> {
    this.store.logArtifactAs(created.runId, localFile, relPath);
  }
  async end(runId: string, status: RunStatus, endTime: number): Promise<void> {
    this.store.updateRun(runId, { status, endTime });
  }
}

type Op =
  | { kind: 'data'; metrics: Metric[]; params: Param[]; tags: RunTag[] }
  | { kind: 'reopen' }
  | { kind: 'artifact'; localFile: string; relPath: string; done: (e?: unknown) => void }
  | { kind: 'end'; status: RunStatus; endTime: number };

function systemTags(): Record<string, string> {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    user = process.env.USER ?? 'unknown';
  }
  return {
    'mlflow.user': user,
    'mlflow.source.type': 'LOCAL',
    'mlflow.source.name': process.argv[1] ? path.basename(process.argv[1]) : 'node',
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

// Runs with buffered data when the process is about to exit because nothing
// else is left to do (a script that forgot end()): send it first. The run
// stays RUNNING; end() is what sets the status.
const unflushed = new Set<RunRecorder>();
let exitHookInstalled = false;
function flushBeforeExit(run: RunRecorder): void {
  unflushed.add(run);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('beforeExit', () => {
    for (const r of unflushed) r.flushIfPending();
  });
}

/**
 * A run being recorded. Logging calls validate at once (an invalid key or an
 * over-long value throws an error naming the key) and only buffer; a pump
 * sends buffered data in the background, off the training loop's path.
 */
export class RunRecorder implements RunHandle {
  readonly clientRunId: string;
  readonly experiment: string;
  readonly runName: string;
  readonly startTime: number;
  private readonly tags = new Map<string, string>();
  private readonly params = new Map<string, string>();
  private readonly okMetricKeys = new Set<string>();
  private pendingMetrics: Metric[] = [];
  /** Index of the first point in pendingMetrics not yet taken. */
  private pendingHead = 0;
  private pendingParams: Param[] = [];
  private pendingTags = new Map<string, string>();
  private readonly queue: Op[] = [];
  private sink: Sink;
  private created: Created | undefined;
  private firstRunId: string | undefined;
  private serverRunId: string | undefined;
  private pumping: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ended: RunSummary | undefined;
  private ending: Promise<RunSummary> | undefined;
  private degradedFlag = false;
  private pointsLogged = 0;
  private exitFlushes = 0;
  private readonly createdWaiters: (() => void)[] = [];

  constructor(
    private readonly tracker: MlflowTracker,
    sink: Sink,
    opts: StartRunOptions,
    resumed?: Resumed,
  ) {
    this.sink = sink;
    this.experiment = resumed?.experimentName ?? opts.experiment;
    validateExperimentName(this.experiment);
    this.clientRunId = resumed?.clientRunId ?? opts.clientRunId ?? randomUUID();
    this.runName = resumed?.runName ?? (opts.runName || randomRunName());
    this.startTime = resumed?.startTime ?? opts.startTime ?? Date.now();
    if (resumed) {
      for (const [k, v] of Object.entries(resumed.tags)) this.tags.set(k, v);
      for (const [k, v] of Object.entries(resumed.params)) this.params.set(k, v);
    } else {
      for (const [k, v] of Object.entries(systemTags())) this.tags.set(k, v);
    }
    this.setTags(opts.tags ?? {});
    this.tags.set(RUN_NAME_TAG, this.runName);
    this.tags.set(CLIENT_RUN_ID_TAG, this.clientRunId);
    if (!resumed) this.pendingTags.clear(); // the start tags go with the create call
    this.logParams(opts.params ?? {});
    if (resumed) {
      this.setCreated({ runId: resumed.runId, artifactUri: resumed.artifactUri });
      this.queue.push({ kind: 'reopen' });
    }
    this.timer = setInterval(() => {
      if (this.hasPending()) this.kick();
    }, tracker.flushIntervalMs);
    this.timer.unref();
    flushBeforeExit(this);
    this.kick();
  }

  /** Starts a send if anything is buffered (used before the process exits). */
  flushIfPending(): void {
    // A few tries at most: a store that keeps failing must not keep the process alive.
    if (this.exitFlushes < 3 && this.hasPending() && (this.created || this.sink.kind === 'local')) {
      this.exitFlushes++;
      this.kick();
    }
  }

  /** The run's id as first created (on the server when it answered in time, else in the local store). */
  get runId(): string {
    if (!this.firstRunId) throw new Error(`run ${this.runName} is not created yet (await tracker.startRun)`);
    return this.firstRunId;
  }

  /** Where the run is kept now. */
  get store(): 'server' | 'local' {
    return this.sink.kind;
  }
  /** True once the run had to move to the local store. */
  get degraded(): boolean {
    return this.degradedFlag;
  }

  /** Waits until the run exists; past `timeoutMs`, a server run starts in the local store instead. */
  async ready(timeoutMs: number): Promise<void> {
    if (this.created) return;
    await Promise.race([new Promise<void>((r) => this.createdWaiters.push(r)), sleep(timeoutMs)]);
    if (!this.created) {
      if (this.sink.kind === 'server') this.degrade(new Error(`the server did not create the run within ${timeoutMs} ms`));
      else throw new Error(`could not create run ${this.runName} in ${this.sink.location}`);
    }
  }

  tagsSnapshot(): Record<string, string> {
    return Object.fromEntries(this.tags);
  }
  paramsSnapshot(): Param[] {
    return [...this.params].map(([key, value]) => ({ key, value }));
  }

  private assertOpen(): void {
    if (this.ended || this.ending) throw new TrackingValidationError(`run ${this.runName} has ended`);
  }

  logParam(key: string, value: unknown): this {
    this.assertOpen();
    validateKey('param', key);
    const v = paramToString(value);
    validateParamValue(key, v);
    const old = this.params.get(key);
    if (old !== undefined) {
      if (old !== v) throw new TrackingValidationError(`param ${JSON.stringify(key)} was already logged with value ${JSON.stringify(old)}; MLflow params cannot change (new value ${JSON.stringify(v)})`, key);
      return this;
    }
    this.params.set(key, v);
    this.pendingParams.push({ key, value: v });
    return this;
  }

  logParams(params: Record<string, unknown>): this {
    // All or nothing: validate every entry before buffering any.
    for (const [k, v] of Object.entries(params)) {
      validateKey('param', k);
      validateParamValue(k, paramToString(v));
    }
    for (const [k, v] of Object.entries(params)) this.logParam(k, v);
    return this;
  }

  setTag(key: string, value: unknown): this {
    this.assertOpen();
    validateKey('tag', key);
    const v = paramToString(value);
    validateTagValue(key, v);
    this.tags.set(key, v);
    this.pendingTags.set(key, v);
    return this;
  }

  setTags(tags: Record<string, unknown>): this {
    for (const [k, v] of Object.entries(tags)) {
      validateKey('tag', k);
      validateTagValue(k, paramToString(v));
    }
    for (const [k, v] of Object.entries(tags)) this.setTag(k, v);
    return this;
  }

  /** Buffers one metric point. Cheap: a key is validated once per run. */
  logMetric(key: string, value: number, step = 0, timestamp: number = Date.now()): this {
    if (this.ended || this.ending) throw new TrackingValidationError(`run ${this.runName} has ended`);
    if (!this.okMetricKeys.has(key)) {
      validateKey('metric', key);
      this.okMetricKeys.add(key);
    }
    if (typeof value !== 'number') throw new TrackingValidationError(`metric ${JSON.stringify(key)}: value must be a number, got ${typeof value}`, key);
    if (!Number.isSafeInteger(step)) throw new TrackingValidationError(`metric ${JSON.stringify(key)}: step must be an integer, got ${step}`, key);
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new TrackingValidationError(`metric ${JSON.stringify(key)}: timestamp must be a non-negative integer (ms), got ${timestamp}`, key);
    this.pendingMetrics.push({ key, value, timestamp, step });
    this.pointsLogged++;
    const n = this.pendingMetrics.length - this.pendingHead;
    if (n === this.tracker.batchSize) this.kick();
    else if (n > this.tracker.maxBufferedPoints) this.overflow();
    return this;
  }

  /** Buffers several metrics at one step. */
  logMetrics(values: Record<string, number>, step = 0, timestamp: number = Date.now()): this {
    for (const [k, v] of Object.entries(values)) this.logMetric(k, v, step, timestamp);
    return this;
  }

  /**
   * Stores an artifact: a file goes to `<artifactPath>/<file name>`; a
   * directory's files go under `artifactPath`, keeping their relative paths
   * (MLflow's log_artifacts). Resolves with the stored path(s) once stored
   * (uploaded, or copied into the local store): keep the files until then.
   */
  logArtifact(localPath: string, artifactPath = ''): Promise<string | string[]> {
    this.assertOpen();
    const base = validateArtifactPath(artifactPath);
    const st = fs.statSync(localPath);
    let files: { file: string; rel: string }[];
    if (st.isDirectory()) {
      files = listFilesRecursive(localPath).map((r) => ({ file: path.resolve(localPath, r), rel: base ? `${base}/${r}` : r }));
    } else if (st.isFile()) {
      files = [{ file: path.resolve(localPath), rel: [base, path.basename(localPath)].filter(Boolean).join('/') }];
    } else {
      throw new TrackingValidationError(`${localPath} is neither a file nor a directory`);
    }
    this.cutData();
    const stored = files.map(
      (f) =>
        new Promise<string>((resolve, reject) => {
          this.queue.push({ kind: 'artifact', localFile: f.file, relPath: f.rel, done: (e) => (e ? reject(e) : resolve(f.rel)) });
        }),
    );
    this.kick();
    const p: Promise<string | string[]> = Promise.all(stored).then((rels) => (st.isDirectory() ? rels : rels[0]));
    // A caller that does not await must not crash the process on a failure (it is warned about).
    p.catch((e) => this.tracker.warn(`tracking: artifact ${localPath} of run ${this.runName} not stored: ${(e as Error).message}`));
    return p;
  }

  /** Sends everything buffered so far; resolves when it is stored. */
  async flush(): Promise<void> {
    this.kick();
    while (this.pumping) await this.pumping;
  }

  /** Flushes, then marks the run ended with `status` (FINISHED by default). Idempotent. */
  end(status: RunStatus = 'FINISHED'): Promise<RunSummary> {
    if (this.ended) return Promise.resolve(this.ended);
    if (this.ending) return this.ending;
    this.ending = this.finish(status);
    return this.ending;
  }

  private async finish(status: RunStatus): Promise<RunSummary> {
    this.cutData();
    this.queue.push({ kind: 'end', status, endTime: Date.now() });
    this.kick();
    while (this.pumping) await this.pumping;
    if (this.timer) clearInterval(this.timer);
    let pushed = false;
    if (this.degradedFlag && this.tracker.autoPush && this.tracker.serverUrl && this.sink.kind === 'local') {
      pushed = await this.tryPush();
    }
    this.ended = {
      clientRunId: this.clientRunId,
      runId: this.created?.runId ?? '',
      store: this.sink.kind,
      location: this.sink.location,
      status,
      degraded: this.degradedFlag,
      pushed,
      metricPoints: this.pointsLogged,
    };
    this.tracker.forget(this);
    unflushed.delete(this);
    return this.ended;
  }

  private async tryPush(): Promise<boolean> {
    const local = (this.sink as LocalSink).store;
    const url = redactUrl(this.tracker.serverUrl!).replace(/\/$/, '');
    try {
      const client = this.tracker.makeClient({ maxRetries: 1, timeoutMs: 10_000 });
      const summary = await pushStore(local, client, { clientRunIds: [this.clientRunId] });
      if (summary.errors.length) throw new Error(summary.errors.join('; '));
      this.tracker.warn(`tracking: run ${this.runName} (${this.clientRunId}) was kept in ${local.root} while the server was unavailable, and is now pushed to ${url}`);
      return true;
    } catch (e) {
      this.tracker.warn(
        `tracking: run ${this.runName} is kept in ${local.root}; the server ${url} is still unavailable (${(e as Error).message}). Push it later with: npx kdlab runs push --from ${local.root} --to ${url}`,
      );
      return false;
    }
  }

  // ---- the pump

  private hasPending(): boolean {
    return this.pendingMetrics.length > this.pendingHead || this.pendingParams.length > 0 || this.pendingTags.size > 0 || this.queue.length > 0 || !this.created;
  }

  /** Moves buffered data into the op queue, so it is stored before what is queued after it. */
  private cutData(): void {
    if (this.pendingMetrics.length === this.pendingHead && this.pendingParams.length === 0 && this.pendingTags.size === 0) return;
    this.queue.push({ kind: 'data', ...this.takePending(Infinity) });
  }

  private takePending(maxMetrics: number): { metrics: Metric[]; params: Param[]; tags: RunTag[] } {
    const params = this.pendingParams;
    const tags = [...this.pendingTags].map(([key, value]) => ({ key, value }));
    this.pendingParams = [];
    this.pendingTags = new Map();
    let metrics: Metric[];
    const waiting = this.pendingMetrics.length - this.pendingHead;
    if (waiting <= maxMetrics) {
      metrics = this.pendingHead === 0 ? this.pendingMetrics : this.pendingMetrics.slice(this.pendingHead);
      this.pendingMetrics = [];
      this.pendingHead = 0;
    } else {
      // Take from the front without copying the rest (a long backlog stays O(n) overall).
      metrics = this.pendingMetrics.slice(this.pendingHead, this.pendingHead + maxMetrics);
      this.pendingHead += maxMetrics;
      if (this.pendingHead > 65536 && this.pendingHead * 2 > this.pendingMetrics.length) {
        this.pendingMetrics = this.pendingMetrics.slice(this.pendingHead);
        this.pendingHead = 0;
      }
    }
    return { metrics, params, tags };
  }

  private kick(): void {
    if (this.pumping) return;
    this.pumping = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.pump())
      .catch((e) => this.tracker.warn(`tracking: unexpected error in run ${this.runName}: ${(e as Error).message}`))
      .finally(() => {
        this.pumping = undefined;
        // Work that arrived while the last send was finishing.
        if (this.queue.length > 0 || this.pendingMetrics.length - this.pendingHead >= this.tracker.batchSize) this.kick();
      });
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (!this.created) {
        const sink = this.sink;
        try {
          const c = await sink.create(this);
          if (sink === this.sink) this.setCreated(c);
          else if (sink.kind === 'server') this.serverRunId = c.runId; // the run moved to the local store meanwhile
        } catch (e) {
          if (sink === this.sink && !this.fallBack(e)) return;
        }
        continue;
      }
      const op = this.queue[0];
      if (op) {
        await this.runOp(op);
        this.queue.shift();
        continue;
      }
      if (this.pendingMetrics.length > this.pendingHead || this.pendingParams.length || this.pendingTags.size) {
        // Up to five log-batch requests' worth per send; the next send follows at once.
        await this.sendData(this.takePending(LIMITS.metricsPerBatch * 5));
        continue;
      }
      return;
    }
  }

  private setCreated(c: Created): void {
    this.created = c;
    if (!this.firstRunId) this.firstRunId = c.runId;
    if (this.sink.kind === 'server') this.serverRunId = c.runId;
    for (const w of this.createdWaiters.splice(0)) w();
  }

  private async sendData(d: { metrics: Metric[]; params: Param[]; tags: RunTag[] }): Promise<void> {
    for (;;) {
      const sink = this.sink;
      try {
        await sink.logBatch(this.created!.runId, d.metrics, d.params, d.tags);
        return;
      } catch (e) {
        if (sink !== this.sink) continue; // the run moved to the local store meanwhile: store it there
        if (!this.fallBack(e)) return;
      }
    }
  }

  private async runOp(op: Op): Promise<void> {
    if (op.kind === 'data') return this.sendData(op);
    for (;;) {
      const sink = this.sink;
      try {
        if (op.kind === 'artifact') {
          await sink.logArtifact(this.created!, op.localFile, op.relPath);
          op.done();
        } else if (op.kind === 'reopen') {
          await sink.reopen(this.created!.runId);
        } else {
          await sink.end(this.created!.runId, op.status, op.endTime);
        }
        return;
      } catch (e) {
        if (sink !== this.sink) {
          if (op.kind === 'reopen') return; // the local copy is a new, running run
          continue;
        }
        if (!this.fallBack(e)) {
          if (op.kind === 'artifact') op.done(e);
          return;
        }
        if (op.kind === 'reopen') return;
      }
    }
  }

  /** After a failure: a server run moves to the local store (true); a local failure is warned about (false). */
  private fallBack(err: unknown): boolean {
    if (err instanceof TrackingValidationError) {
      this.tracker.warn(`tracking: run ${this.runName}: ${err.message}`);
      return false;
    }
    if (this.sink.kind === 'server') {
      this.degrade(err);
      return true;
    }
    this.tracker.warn(`tracking: could not write run ${this.runName} to ${this.sink.location}: ${(err as Error).message}`);
    return false;
  }

  /**
   * Too many points waiting (the pump is stuck on a slow or dead server): the
   * run moves to the local store, and the waiting points are written there now.
   */
  private overflow(): void {
    try {
      if (this.sink.kind === 'server') this.degrade(new Error(`more than ${this.tracker.maxBufferedPoints} metric points waiting for the server`));
      if (this.sink.kind === 'local' && this.created) {
        const metrics = this.pendingMetrics.slice(this.pendingHead);
        this.pendingMetrics = [];
        this.pendingHead = 0;
        (this.sink as LocalSink).store.logBatch(this.created.runId, metrics, [], []);
      }
    } catch (e) {
      this.tracker.warn(`tracking: could not spill run ${this.runName} to the local store: ${(e as Error).message}`);
    }
  }

  /** Continues the run in the local fallback store: same client id, start time, name, tags and params. */
  private degrade(err: unknown): void {
    if (this.sink.kind === 'local') return;
    const server = this.sink.location;
    const local = new LocalSink(this.tracker.fallbackStore());
    if (this.serverRunId) this.tags.set(SERVER_RUN_ID_TAG, this.serverRunId);
    this.degradedFlag = true;
    this.sink = local;
    const c = local.createSync(this);
    this.created = undefined;
    this.setCreated(c);
    this.tracker.warn(
      `tracking: MLflow server ${server} unavailable (${(err as Error).message}); run ${this.runName} continues in the local store ${local.location} and will be pushed later`,
    );
  }
}

function toRecord(run: Run, experimentName: string): RunRecord {
  return {
    runId: run.info.runId,
    experimentId: run.info.experimentId,
    experimentName,
    runName: run.info.runName,
    status: run.info.status,
    startTime: run.info.startTime,
    endTime: run.info.endTime,
    params: run.data.params,
    tags: run.data.tags,
    metrics: Object.fromEntries(Object.entries(run.data.metrics).map(([k, m]) => [k, m.value])),
    artifactUri: run.info.artifactUri,
  };
}

/** The Tracker on MLflow: a server (with the local store as fallback) or the embedded file store. */
export class MlflowTracker implements Tracker {
  readonly target: TrackingTarget;
  readonly kind: 'server' | 'local';
  readonly flushIntervalMs: number;
  readonly batchSize: number;
  readonly maxBufferedPoints: number;
  readonly autoPush: boolean;
  readonly startTimeoutMs: number;
  // Private: the options may hold an env with credentials; util.inspect must not show them.
  readonly #opts: TrackerOptions;
  private client: MlflowClient | undefined;
  private local: LocalStore | undefined;
  private fallback: LocalStore | undefined;
  private readonly experimentIds = new Map<string, Promise<string>>();
  private readonly open = new Set<RunRecorder>();

  constructor(opts: TrackerOptions = {}) {
    this.#opts = opts;
    const env = opts.env ?? process.env;
    this.target = resolveTrackingUri(opts.trackingUri ?? env.MLFLOW_TRACKING_URI);
    this.kind = this.target.kind;
    this.flushIntervalMs = opts.flushIntervalMs ?? 1000;
    this.batchSize = Math.max(1, Math.min(opts.batchSize ?? LIMITS.metricsPerBatch, LIMITS.metricsPerBatch * 5));
    this.maxBufferedPoints = opts.maxBufferedPoints ?? 500_000;
    this.autoPush = opts.autoPush ?? true;
    this.startTimeoutMs = opts.startTimeoutMs ?? 30_000;
    if (this.target.kind === 'server') this.client = this.makeClient();
    else this.local = new LocalStore(this.target.root);
  }

  /** The server URL (no credentials) or the local store folder. */
  get uri(): string {
    return this.target.kind === 'server' ? redactUrl(this.target.url).replace(/\/$/, '') : this.target.root;
  }

  get serverUrl(): string | undefined {
    return this.target.kind === 'server' ? this.target.url : undefined;
  }

  /** The REST client (server trackers only). */
  get mlflow(): MlflowClient {
    if (!this.client) throw new Error(`${this.uri} is a local store, not a server`);
    return this.client;
  }

  /** The local store (local trackers), or the fallback store (server trackers). */
  get store(): LocalStore {
    return this.local ?? this.fallbackStore();
  }

  makeClient(http: Partial<HttpSettings> = {}): MlflowClient {
    if (this.target.kind !== 'server') throw new Error('not a server tracker');
    const env = this.#opts.env ?? process.env;
    const client = new MlflowClient({ trackingUri: this.#opts.trackingUri ?? env.MLFLOW_TRACKING_URI, env, http: { ...this.#opts.http, ...http } });
    // An unreachable server is never silent: one line when it stops answering, one when it is back.
    client.transport.events.onOutage = (i) =>
      this.warn(`${i.server} is not answering (${i.reason}); retrying ${i.method} ${i.path}: attempt ${i.attempt}, next try in ${(i.waitMs / 1000).toFixed(1)} s; training goes on and metrics wait in memory`);
    client.transport.events.onRecovered = (i) => this.warn(`${i.server} answers again after ${(i.downMs / 1000).toFixed(1)} s; buffered metrics are being sent`);
    return client;
  }

  fallbackStore(): LocalStore {
    if (!this.fallback) {
      const env = this.#opts.env ?? process.env;
      this.fallback = new LocalStore(this.#opts.fallbackDir ?? env.KDLAB_TRACKING_FALLBACK_DIR ?? path.resolve('mlruns'));
    }
    return this.fallback;
  }

  warn(message: string): void {
    (this.#opts.log ?? ((m: string) => console.warn(`[tracking] ${m}`)))(message);
  }

  private experimentId(name: string): Promise<string> {
    let p = this.experimentIds.get(name);
    if (!p) {
      p = this.client!.getOrCreateExperiment(name).then((e) => e.experimentId);
      p.catch(() => this.experimentIds.delete(name));
      this.experimentIds.set(name, p);
    }
    return p;
  }

  /**
   * Starts (or, with resumeRunId, reopens) a run. On a server it waits for the
   * run to be created (a retried create never makes a second run), at most
   * startTimeoutMs; past that the run starts in the local store and is pushed later.
   */
  async startRun(opts: StartRunOptions): Promise<RunRecorder> {
    let sink: Sink = this.client ? new ServerSink(this.client, (n) => this.experimentId(n)) : new LocalSink(this.local!);
    let resumed: Resumed | undefined;
    if (opts.resumeRunId) {
      const r = await this.findForResume(opts.resumeRunId);
      resumed = r.resumed;
      if (r.local) sink = new LocalSink(r.local);
    }
    const run = new RunRecorder(this, sink, opts, resumed);
    this.open.add(run);
    await run.ready(this.startTimeoutMs);
    return run;
  }

  private async findForResume(runId: string): Promise<{ resumed: Resumed; local?: LocalStore }> {
    const fromRun = (run: Run, experimentName: string): Resumed => ({
      runId: run.info.runId,
      artifactUri: run.info.artifactUri,
      experimentName,
      runName: run.info.runName,
      startTime: run.info.startTime,
      clientRunId: run.data.tags[CLIENT_RUN_ID_TAG] ?? run.info.runId,
      params: run.data.params,
      tags: run.data.tags,
    });
    const fromStore = (store: LocalStore): Resumed | undefined => {
      try {
        const run = store.getRun(runId);
        return fromRun(run, store.getExperiment(run.info.experimentId)?.name ?? 'Default');
      } catch {
        return undefined;
      }
    };
    if (this.local) {
      const r = fromStore(this.local);
      if (!r) throw new TrackingValidationError(`cannot resume run ${runId}: not in ${this.local.root}`);
      return { resumed: r };
    }
    const client = this.client!;
    try {
      const run = await client.getRun(runId);
      return { resumed: fromRun(run, (await client.getExperiment(run.info.experimentId)).name) };
    } catch (e) {
      if ((e as { status?: number }).status !== 404 && (e as { errorCode?: string }).errorCode !== 'RESOURCE_DOES_NOT_EXIST') {
        // The server is down: a run kept in the fallback store can still go on there.
        const local = fromStore(this.fallbackStore());
        if (local) return { resumed: local, local: this.fallbackStore() };
        throw e;
      }
    }
    // Not on the server: the run was started while the server was down.
    const local = fromStore(this.fallbackStore());
    if (!local) throw new TrackingValidationError(`cannot resume run ${runId}: not on ${this.uri} nor in ${this.fallbackStore().root}`);
    const exp = await client.getExperimentByName(local.experimentName).catch(() => undefined);
    const pushed = exp ? await client.findRunByClientId(exp.experimentId, local.clientRunId).catch(() => undefined) : undefined;
    if (pushed) return { resumed: fromRun(pushed, exp!.name) };
    return { resumed: local, local: this.fallbackStore() };
  }

  forget(run: RunRecorder): void {
    this.open.delete(run);
  }

  /** Runs started and not yet ended. */
  openRuns(): RunRecorder[] {
    return [...this.open];
  }

  /** Ends every open run with `status` (after flushing each). */
  async endAll(status: RunStatus = 'FINISHED'): Promise<RunSummary[]> {
    return Promise.all(this.openRuns().map((r) => r.end(status)));
  }

  async searchRuns(opts: { experiment: string; filter?: string; maxResults?: number }): Promise<RunRecord[]> {
    if (this.client) {
      const exp = await this.client.getExperimentByName(opts.experiment);
      if (!exp) return [];
      const runs = await this.client.searchAllRuns({ experimentIds: [exp.experimentId], filter: opts.filter, orderBy: ['attributes.start_time DESC'] });
      return runs.slice(0, opts.maxResults ?? Infinity).map((r) => toRecord(r, exp.name));
    }
    const exp = this.local!.getExperimentByName(opts.experiment);
    if (!exp || exp.lifecycleStage !== 'active') return [];
    const keep = compileFilter(opts.filter);
    return this.local!.listRuns(exp.experimentId)
      .filter(keep)
      .slice(0, opts.maxResults ?? Infinity)
      .map((r) => toRecord(r, exp.name));
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    const hist = this.client ? await this.client.getMetricHistory(runId, key) : this.local!.getMetricHistory(runId, key);
    return hist.map((m) => ({ key: m.key, value: m.value, step: m.step, timestamp: m.timestamp }));
  }

  async downloadArtifact(runId: string, artifactPath: string, destDir: string): Promise<string> {
    const rel = validateArtifactPath(artifactPath);
    const dest = path.join(destDir, path.basename(rel));
    if (this.client) {
      const uri = (await this.client.getRun(runId)).info.artifactUri;
      const dir = await this.client.listArtifactsRecursive(uri, rel).catch(() => []);
      const under = dir.filter((f) => f.path.startsWith(`${rel}/`));
      if (under.length > 0) {
        for (const f of under) await this.client.downloadArtifactToFile(uri, f.path, path.join(dest, f.path.slice(rel.length + 1)));
      } else {
        await this.client.downloadArtifactToFile(uri, rel, dest);
      }
      return dest;
    }
    const src = this.local!.artifactFile(runId, rel);
    if (!fs.existsSync(src)) throw new TrackingValidationError(`run ${runId} has no artifact ${rel}`);
    fs.mkdirSync(destDir, { recursive: true });
    fs.cpSync(src, dest, { recursive: true });
    return dest;
  }
}

/** A Tracker for a URI (default MLFLOW_TRACKING_URI; unset → ./mlruns). */
export function createTracker(uri?: string, opts: Omit<TrackerOptions, 'trackingUri'> = {}): MlflowTracker {
  return new MlflowTracker({ ...opts, trackingUri: uri });
}
