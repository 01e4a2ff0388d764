// A typed client for MLflow's REST API (2.0) and its proxied artifact API,
// written against the server itself (MLflow 3.x): experiments, runs, tags,
// log-batch, search, metric history, artifacts.
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import { httpSettingsFromEnv, resolveTrackingUri, type HttpSettings } from './config';
import { MlflowApiError, TrackingValidationError } from './errors';
import { HttpTransport, type RequestSpec } from './http';
import {
  CLIENT_RUN_ID_TAG,
  type ArtifactFile,
  type CreateRunOptions,
  type Experiment,
  type LifecycleStage,
  type Metric,
  type Param,
  type Run,
  type RunStatus,
  type RunTag,
  type ViewType,
} from './types';
import { chunkBatch, decodeMetricValue, validateArtifactPath, validateExperimentName, validateMetric, validateParam, validateTag } from './validation';

export type { CreateRunOptions };

const API = '/api/2.0/mlflow';
const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';

// ---- wire shapes (snake_case, as MLflow sends them)

interface WireKV {
  key: string;
  value: string;
}
interface WireExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
  creation_time?: number;
  last_update_time?: number;
  tags?: WireKV[];
}
interface WireMetric {
  key: string;
  value: number | string;
  timestamp?: number;
  step?: number;
}
interface WireRun {
  info: {
    run_id?: string;
    run_uuid?: string;
    run_name?: string;
    experiment_id: string;
    user_id?: string;
    status?: string;
    start_time?: number;
    end_time?: number;
    artifact_uri?: string;
    lifecycle_stage?: string;
  };
  data?: { metrics?: WireMetric[]; params?: WireKV[]; tags?: WireKV[] };
}

function toExperiment(w: WireExperiment): Experiment {
  return {
    experimentId: String(w.experiment_id),
    name: w.name,
    artifactLocation: w.artifact_location ?? '',
    lifecycleStage: (w.lifecycle_stage ?? 'active') as LifecycleStage,
    creationTime: w.creation_time,
    lastUpdateTime: w.last_update_time,
    tags: Object.fromEntries((w.tags ?? []).map((t) => [t.key, t.value])),
  };
}

function toMetric(w: WireMetric): Metric {
  return { key: w.key, value: decodeMetricValue(w.value), timestamp: Number(w.timestamp ?? 0), step: Number(w.step ?? 0) };
}

function toRun(w: WireRun): Run {
  const i = w.info;
  return {
    info: {
      runId: (i.run_id ?? i.run_uuid)!,
      runName: i.run_name ?? '',
      experimentId: String(i.experiment_id),
      userId: i.user_id ?? '',
      status: (i.status ?? 'RUNNING') as RunStatus,
      startTime: Number(i.start_time ?? 0),
      endTime: i.end_time === undefined || i.end_time === null ? undefined : Number(i.end_time),
      artifactUri: i.artifact_uri ?? '',
      lifecycleStage: (i.lifecycle_stage ?? 'active') as LifecycleStage,
    },
    data: {
      metrics: Object.fromEntries((w.data?.metrics ?? []).map((m) => [m.key, toMetric(m)])),
      params: Object.fromEntries((w.data?.params ?? []).map((p) => [p.key, p.value])),
      tags: Object.fromEntries((w.data?.tags ?? []).map((t) => [t.key, t.value])),
    },
  };
}

/** A filter-string literal: single-quoted, with quotes and backslashes escaped. */
export function filterLiteral(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function encodePath(p: string): string {
  return p
    .split('/')
    .filter((s) => s.length > 0)
    .map(encodeURIComponent)
    .join('/');
}

export interface SearchRunsOptions {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
  runViewType?: ViewType;
}

export interface MlflowClientOptions {
  /** Server URL (http/https). Defaults to MLFLOW_TRACKING_URI. */
  trackingUri?: string;
  /** Overrides of the settings read from MLflow's environment variables. */
  http?: Partial<HttpSettings>;
  env?: NodeJS.ProcessEnv;
}

export class MlflowClient {
  readonly url: string;
  readonly transport: HttpTransport;

  constructor(opts: MlflowClientOptions = {}) {
    const env = opts.env ?? process.env;
    const uri = opts.trackingUri ?? env.MLFLOW_TRACKING_URI;
    const target = resolveTrackingUri(uri);
    if (target.kind !== 'server') throw new TrackingValidationError(`MlflowClient needs an http(s):// tracking server URI, got ${JSON.stringify(uri ?? '')}`);
    this.url = target.url;
    const settings = { ...httpSettingsFromEnv(env, uri), ...opts.http };
    this.transport = new HttpTransport(target.url, settings);
  }

  private call<T>(spec: RequestSpec<T>): Promise<T> {
    return this.transport.request<T>(spec);
  }
  private get<T>(endpoint: string, query: Record<string, string | number | undefined>): Promise<T> {
    return this.call<T>({ method: 'GET', path: `${API}/${endpoint}`, query });
  }
  private post<T>(endpoint: string, json: unknown, extra: Partial<RequestSpec<T>> = {}): Promise<T> {
    return this.call<T>({ method: 'POST', path: `${API}/${endpoint}`, json, ...extra });
  }

  // ---- experiments

  async getExperiment(experimentId: string): Promise<Experiment> {
    const r = await this.get<{ experiment: WireExperiment }>('experiments/get', { experiment_id: experimentId });
    return toExperiment(r.experiment);
  }

  /** The experiment with this name (active or deleted), or undefined. */
  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      const r = await this.get<{ experiment: WireExperiment }>('experiments/get-by-name', { experiment_name: name });
      return toExperiment(r.experiment);
    } catch (e) {
      if (e instanceof MlflowApiError && (e.errorCode === 'RESOURCE_DOES_NOT_EXIST' || e.status === 404)) return undefined;
      throw e;
    }
  }

  async createExperiment(name: string, opts: { artifactLocation?: string; tags?: Record<string, string> } = {}): Promise<string> {
    validateExperimentName(name);
    const r = await this.post<{ experiment_id: string }>('experiments/create', {
      name,
      artifact_location: opts.artifactLocation,
      tags: Object.entries(opts.tags ?? {}).map(([key, value]) => ({ key, value })),
    });
    return String(r.experiment_id);
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.post('experiments/delete', { experiment_id: experimentId });
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.post('experiments/restore', { experiment_id: experimentId });
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.post('experiments/set-experiment-tag', { experiment_id: experimentId, key, value });
  }

  async searchExperiments(opts: { filter?: string; maxResults?: number; pageToken?: string; viewType?: ViewType; orderBy?: string[] } = {}): Promise<{ experiments: Experiment[]; nextPageToken?: string }> {
    const r = await this.post<{ experiments?: WireExperiment[]; next_page_token?: string }>('experiments/search', {
      filter: opts.filter,
      max_results: opts.maxResults ?? 1000,
      page_token: opts.pageToken,
      view_type: opts.viewType,
      order_by: opts.orderBy,
    });
    return { experiments: (r.experiments ?? []).map(toExperiment), nextPageToken: r.next_page_token || undefined };
  }

  /**
   * The active experiment with this name, created if missing, restored if
   * deleted. Two clients racing to create it both end with the same one: the
   * loser's RESOURCE_ALREADY_EXISTS (HTTP 400) sends it back to the look-up.
   */
  async getOrCreateExperiment(name: string): Promise<Experiment> {
    validateExperimentName(name);
    for (let attempt = 0; attempt < 5; attempt++) {
      const found = await this.getExperimentByName(name);
      if (found) {
        if (found.lifecycleStage === 'deleted') {
          await this.restoreExperiment(found.experimentId);
          return { ...found, lifecycleStage: 'active' };
        }
        return found;
      }
      try {
        const id = await this.createExperiment(name);
        return await this.getExperiment(id);
      } catch (e) {
        if (e instanceof MlflowApiError && e.errorCode === 'RESOURCE_ALREADY_EXISTS') continue;
        throw e;
      }
    }
    throw new Error(`could not get or create experiment ${JSON.stringify(name)}`);
  }

  // ---- runs

  /**
   * Creates a run tagged with a client-side id. When an attempt fails in a way
   * that might still have created the run (timeout, 5xx, dropped connection),
   * the run is looked up by that tag before the next attempt, so a retried
   * create never makes a second run.
   */
  async createRun(opts: CreateRunOptions): Promise<Run> {
    const clientRunId = opts.clientRunId ?? opts.tags?.[CLIENT_RUN_ID_TAG] ?? randomUUID();
    const tags: Record<string, string> = { ...opts.tags, [CLIENT_RUN_ID_TAG]: clientRunId };
    const tagList = Object.entries(tags).map(([k, v]) => validateTag(k, v));
    // runs/create takes the first 100 tags; the rest follow in log-batch chunks.
    const first = tagList.filter((t) => t.key === CLIENT_RUN_ID_TAG).concat(tagList.filter((t) => t.key !== CLIENT_RUN_ID_TAG)).slice(0, 100);
    const rest = tagList.filter((t) => !first.includes(t));
    const r = await this.post<{ run?: WireRun; found?: Run }>(
      'runs/create',
      {
        experiment_id: opts.experimentId,
        run_name: opts.runName,
        start_time: opts.startTime ?? Date.now(),
        user_id: opts.userId,
        tags: first,
      },
      {
        beforeRetry: async () => {
          const found = await this.findRunByClientId(opts.experimentId, clientRunId);
          return found ? { found } : undefined;
        },
      },
    );
    const run = r.found ?? toRun(r.run!);
    if (rest.length > 0) await this.logBatch(run.info.runId, { tags: rest });
    return rest.length > 0 ? this.getRun(run.info.runId) : run;
  }

  /** The run (active or deleted) carrying this client-side id, or undefined. */
  async findRunByClientId(experimentId: string, clientRunId: string): Promise<Run | undefined> {
    const r = await this.searchRuns({
      experimentIds: [experimentId],
      filter: `tags.\`${CLIENT_RUN_ID_TAG}\` = ${filterLiteral(clientRunId)}`,
      maxResults: 2,
      runViewType: 'ALL',
    });
    return r.runs[0];
  }

  async getRun(runId: string): Promise<Run> {
    const r = await this.get<{ run: WireRun }>('runs/get', { run_id: runId });
    return toRun(r.run);
  }

  async updateRun(runId: string, opts: { status?: RunStatus; endTime?: number; runName?: string }): Promise<void> {
    await this.post('runs/update', { run_id: runId, status: opts.status, end_time: opts.endTime, run_name: opts.runName });
  }

  async deleteRun(runId: string): Promise<void> {
    await this.post('runs/delete', { run_id: runId });
  }

  async restoreRun(runId: string): Promise<void> {
    await this.post('runs/restore', { run_id: runId });
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    const t = validateTag(key, value);
    await this.post('runs/set-tag', { run_id: runId, key: t.key, value: t.value });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.post('runs/delete-tag', { run_id: runId, key });
  }

  /**
   * Logs metrics, params and tags, validated first and split into requests
   * within MLflow's limits. NaN and ±Infinity are sent as "NaN", "Infinity", "-Infinity".
   */
  async logBatch(runId: string, batch: { metrics?: Metric[]; params?: Param[]; tags?: RunTag[] }): Promise<number> {
    const metrics = batch.metrics ?? [];
    for (const m of metrics) validateMetric(m);
    const params = (batch.params ?? []).map((p) => validateParam(p.key, p.value));
    const tags = (batch.tags ?? []).map((t) => validateTag(t.key, t.value));
    const chunks = chunkBatch(runId, metrics, params, tags);
    for (const c of chunks) await this.post('runs/log-batch', c.body);
    return chunks.length;
  }

  /** Sends one pre-validated, pre-chunked log-batch body. */
  async logBatchBody(body: string): Promise<void> {
    await this.post('runs/log-batch', body);
  }

  async searchRuns(opts: SearchRunsOptions): Promise<{ runs: Run[]; nextPageToken?: string }> {
    const r = await this.post<{ runs?: WireRun[]; next_page_token?: string }>('runs/search', {
      experiment_ids: opts.experimentIds,
      filter: opts.filter,
      run_view_type: opts.runViewType,
      max_results: opts.maxResults ?? 1000,
      order_by: opts.orderBy,
      page_token: opts.pageToken,
    });
    return { runs: (r.runs ?? []).map(toRun), nextPageToken: r.next_page_token || undefined };
  }

  /** Every run matching, following next_page_token. */
  async searchAllRuns(opts: Omit<SearchRunsOptions, 'pageToken'>): Promise<Run[]> {
    const out: Run[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.searchRuns({ ...opts, pageToken });
      out.push(...page.runs);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return out;
  }

  async getMetricHistoryPage(runId: string, key: string, opts: { maxResults?: number; pageToken?: string } = {}): Promise<{ metrics: Metric[]; nextPageToken?: string }> {
    const r = await this.get<{ metrics?: WireMetric[]; next_page_token?: string }>('metrics/get-history', {
      run_id: runId,
      metric_key: key,
      max_results: opts.maxResults,
      page_token: opts.pageToken,
    });
    return { metrics: (r.metrics ?? []).map(toMetric), nextPageToken: r.next_page_token || undefined };
  }

  /** Every point of a metric, following next_page_token. */
  async getMetricHistory(runId: string, key: string, pageSize = 25000): Promise<Metric[]> {
    const out: Metric[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.getMetricHistoryPage(runId, key, { maxResults: pageSize, pageToken });
      out.push(...page.metrics);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return out;
  }

  // ---- artifacts, through the server's proxied artifact API

  /** The path under /api/2.0/mlflow-artifacts/artifacts for a run's artifact URI. */
  artifactBase(artifactUri: string): string {
    const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/.exec(artifactUri);
    if (m) return m[1].replace(/\/+$/, '');
    const h = /^https?:\/\/[^/]+\/api\/2\.0\/mlflow-artifacts\/artifacts\/?(.*)$/.exec(artifactUri);
    if (h) return h[1].replace(/\/+$/, '');
    throw new TrackingValidationError(
      `artifact location ${JSON.stringify(artifactUri)} is not served by the tracking server: start the server with --serve-artifacts (the default) so runs get mlflow-artifacts:/ locations`,
    );
  }

  private artifactPath(artifactUri: string, rel: string): string {
    const base = this.artifactBase(artifactUri);
    const r = validateArtifactPath(rel);
    return [base, r].filter(Boolean).join('/');
  }

  /** Uploads one local file to `<run artifacts>/<artifactPath>/<file name>` (artifactPath may be empty). */
  async uploadArtifact(artifactUri: string, localFile: string, artifactPath = ''): Promise<string> {
    const rel = [validateArtifactPath(artifactPath), path.basename(localFile)].filter(Boolean).join('/');
    await this.uploadArtifactAs(artifactUri, localFile, rel);
    return rel;
  }

  /** Uploads one local file to exactly `<run artifacts>/<relPath>`. */
  async uploadArtifactAs(artifactUri: string, localFile: string, relPath: string): Promise<void> {
    const size = fs.statSync(localFile).size;
    await this.call({
      method: 'PUT',
      path: `${ARTIFACTS}/${encodePath(this.artifactPath(artifactUri, relPath))}`,
      body: () => fs.createReadStream(localFile),
      bodyLength: size,
    });
  }

  /** Uploads a local directory, recursively, under `artifactPath`. */
  async uploadArtifactDir(artifactUri: string, localDir: string, artifactPath = ''): Promise<string[]> {
    const done: string[] = [];
    const walk = async (dir: string, rel: string) => {
      for (const ent of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const r = rel ? `${rel}/${ent.name}` : ent.name;
        if (ent.isDirectory()) await walk(path.join(dir, ent.name), r);
        else if (ent.isFile()) {
          await this.uploadArtifactAs(artifactUri, path.join(dir, ent.name), r);
          done.push(r);
        }
      }
    };
    await walk(localDir, validateArtifactPath(artifactPath));
    return done;
  }

  async downloadArtifact(artifactUri: string, relPath: string): Promise<Buffer> {
    return this.call<Buffer>({ method: 'GET', path: `${ARTIFACTS}/${encodePath(this.artifactPath(artifactUri, relPath))}`, response: 'buffer' });
  }

  /** Streams an artifact to a file (written to a temporary name, then renamed). */
  async downloadArtifactToFile(artifactUri: string, relPath: string, dest: string): Promise<void> {
    const stream = await this.call<NodeJS.ReadableStream>({ method: 'GET', path: `${ARTIFACTS}/${encodePath(this.artifactPath(artifactUri, relPath))}`, response: 'stream' });
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${process.pid}-${randomUUID().slice(0, 8)}`;
    try {
      await pipeline(stream, fs.createWriteStream(tmp));
      fs.renameSync(tmp, dest);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
  }

  /** One level of a run's artifacts; paths are relative to the run's artifact root. */
  async listArtifacts(artifactUri: string, relPath = ''): Promise<ArtifactFile[]> {
    const full = this.artifactPath(artifactUri, relPath);
    const r = await this.call<{ files?: { path: string; is_dir: boolean; file_size?: number | string }[] }>({
      method: 'GET',
      path: ARTIFACTS,
      query: { path: full },
    });
    const prefix = validateArtifactPath(relPath);
    return (r.files ?? []).map((f) => ({
      path: prefix ? `${prefix}/${f.path}` : f.path,
      isDir: Boolean(f.is_dir),
      fileSize: f.file_size === undefined ? undefined : Number(f.file_size),
    }));
  }

  /** Every file under a run's artifacts (directories walked). */
  async listArtifactsRecursive(artifactUri: string, relPath = ''): Promise<ArtifactFile[]> {
    const out: ArtifactFile[] = [];
    for (const f of await this.listArtifacts(artifactUri, relPath)) {
      if (f.isDir) out.push(...(await this.listArtifactsRecursive(artifactUri, f.path)));
      else out.push(f);
    }
    return out;
  }
}
