// The embedded store: runs kept on disk in MLflow's own file-store layout, so
// MLflow reads them (`MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri
// ./mlruns`) or migrates them (`mlflow migrate-filestore`), and `kdlab runs push`
// copies them to a server.
//
//   mlruns/<experiment id>/meta.yaml
//   mlruns/<experiment id>/<run id>/meta.yaml
//   mlruns/<experiment id>/<run id>/metrics/<key>     lines "timestamp value step"
//   mlruns/<experiment id>/<run id>/params/<key>      the value, no newline
//   mlruns/<experiment id>/<run id>/tags/<key>
//   mlruns/<experiment id>/<run id>/artifacts/...
//   mlruns/.trash/<experiment id>/                    deleted experiments
//
// meta.yaml, params, tags and artifacts are written to a temporary file and
// renamed into place. Metric files are append-only, as in MLflow: each flush
// appends whole lines with one write, and a torn last line left by a crash is
// cut off before the next append. Several processes can write to one store at
// once: runs have their own folders, and a new experiment's id is derived
// from its name and its meta.yaml created exclusively, so two processes
// creating the same experiment end up sharing one.
import { createHash, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL, fileURLToPath } from 'url';
import YAML from 'yaml';
import { TrackingValidationError } from './errors';
import { appendLines, copyFileAtomic, createFileExclusive, listFilesRecursive, writeFileAtomic } from './fs-util';
import {
  CLIENT_RUN_ID_TAG,
  RUN_NAME_TAG,
  RUN_STATUS_CODE,
  runStatusFromCode,
  type ArtifactFile,
  type CreateRunOptions,
  type Experiment,
  type LifecycleStage,
  type Metric,
  type Param,
  type Run,
  type RunInfo,
  type RunStatus,
  type RunTag,
  type ViewType,
} from './types';
import { validateArtifactPath, validateExperimentName, validateKey, validateMetric, validateParam, validateTag } from './validation';

const TRASH = '.trash';
const TMP = '.kdlab-tmp';
const DEFAULT_EXPERIMENT_ID = '0';
// Folders in an experiment folder that are not runs (MLflow's RESERVED_EXPERIMENT_FOLDERS).
const RESERVED = new Set(['tags', 'datasets', 'traces', 'models', TMP]);

const yamlOpts = { version: '1.1' as const, sortMapEntries: true };
function dumpYaml(obj: Record<string, unknown>): string {
  return YAML.stringify(obj, yamlOpts);
}
function loadYaml(file: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const v = YAML.parse(text, { version: '1.1' }) as unknown;
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

/** A float as Python's str() writes it in MLflow's metric files (nan, inf, -inf). */
export function formatMetricValue(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

export function parseMetricValue(s: string): number {
  const t = s.trim().toLowerCase();
  if (t === 'nan' || t === '-nan' || t === '+nan') return NaN;
  if (t === 'inf' || t === 'infinity' || t === '+inf' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  const n = Number(s);
  if (Number.isNaN(n)) throw new Error(`not a number: ${JSON.stringify(s)}`);
  return n;
}

/** Parses a metric file's lines ("timestamp value step", or the older "timestamp value"); a torn last line is skipped. */
export function parseMetricLines(key: string, text: string): Metric[] {
  const out: Metric[] = [];
  const lines = text.split('\n');
  const complete = text.endsWith('\n') ? lines.length - 1 : lines.length - 1; // the part after the last \n is torn or empty
  for (let i = 0; i < complete; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const parts = line.split(' ');
    if (parts.length !== 2 && parts.length !== 3 && parts.length !== 5) throw new Error(`metric ${key}: malformed line ${JSON.stringify(line)}`);
    out.push({ key, timestamp: Number(parts[0]), value: parseMetricValue(parts[1]), step: parts.length >= 3 ? Number(parts[2]) : 0 });
  }
  return out;
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/** An 18-digit experiment id from the name (MLflow's file store uses random 18-digit ids). */
function experimentIdFor(name: string, salt: number): string {
  const h = createHash('sha256').update(`${name}\u0000${salt}`).digest();
  const n = h.readBigUInt64BE(0) % 900000000000000000n;
  return String(n + 100000000000000000n);
}

const ADJ = ['amber', 'brave', 'calm', 'deft', 'eager', 'fond', 'gentle', 'hardy', 'keen', 'lucid', 'merry', 'nimble', 'polite', 'quiet', 'rapid', 'sunny', 'tidy', 'vivid', 'wise', 'zesty'];
const NOUN = ['bass', 'crane', 'deer', 'eel', 'finch', 'gnu', 'hare', 'ibis', 'jay', 'koi', 'lark', 'mole', 'newt', 'owl', 'puma', 'quail', 'roe', 'seal', 'toad', 'wren'];
/** A run name in MLflow's style (adjective-animal-number). */
export function randomRunName(): string {
  const r = () => Math.floor(Math.random() * 1e9);
  return `${ADJ[r() % ADJ.length]}-${NOUN[r() % NOUN.length]}-${r() % 1000}`;
}

interface RunLocation {
  experimentId: string;
  runDir: string;
}

export class LocalStore {
  readonly root: string;
  private readonly runs = new Map<string, RunLocation>();
  private readonly tailChecked = new Set<string>();
  private readonly paramCache = new Map<string, Map<string, string>>();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Makes the store folder with MLflow's "Default" experiment (id 0) and .trash, as MLflow does. */
  init(): this {
    fs.mkdirSync(path.join(this.root, TRASH), { recursive: true });
    const dflt = path.join(this.root, DEFAULT_EXPERIMENT_ID);
    if (!fs.existsSync(path.join(dflt, 'meta.yaml'))) {
      fs.mkdirSync(dflt, { recursive: true });
      createFileExclusive(path.join(dflt, 'meta.yaml'), dumpYaml(this.experimentMeta(DEFAULT_EXPERIMENT_ID, 'Default', Date.now())));
    }
    return this;
  }

  exists(): boolean {
    return fs.existsSync(this.root) && fs.statSync(this.root).isDirectory();
  }

  private experimentMeta(id: string, name: string, now: number): Record<string, unknown> {
    return {
      artifact_location: pathToFileURL(path.join(this.root, id)).href,
      creation_time: now,
      effective_trace_archival_retention: null,
      experiment_id: id,
      last_update_time: now,
      lifecycle_stage: 'active',
      name,
      trace_location: null,
      workspace: 'default',
    };
  }

  // ---- experiments

  private experimentDirs(view: ViewType): { id: string; dir: string }[] {
    const out: { id: string; dir: string }[] = [];
    const scan = (parent: string) => {
      let ents: fs.Dirent[];
      try {
        ents = fs.readdirSync(parent, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
      for (const e of ents) if (e.isDirectory() && e.name !== TRASH && e.name !== 'models' && !e.name.startsWith('.')) out.push({ id: e.name, dir: path.join(parent, e.name) });
    };
    if (view !== 'DELETED_ONLY') scan(this.root);
    if (view !== 'ACTIVE_ONLY') scan(path.join(this.root, TRASH));
    return out;
  }

  private readExperiment(dir: string): Experiment | undefined {
    const meta = loadYaml(path.join(dir, 'meta.yaml'));
    if (!meta || meta.name === undefined) return undefined;
    const tags: Record<string, string> = {};
    const tagDir = path.join(dir, 'tags');
    for (const k of listFilesRecursive(tagDir)) tags[k] = fs.readFileSync(path.join(tagDir, k), 'utf8');
    const inTrash = path.basename(path.dirname(dir)) === TRASH;
    return {
      experimentId: String(meta.experiment_id ?? path.basename(dir)),
      name: String(meta.name),
      artifactLocation: String(meta.artifact_location ?? ''),
      lifecycleStage: inTrash ? 'deleted' : ((meta.lifecycle_stage as LifecycleStage) ?? 'active'),
      creationTime: meta.creation_time === null || meta.creation_time === undefined ? undefined : Number(meta.creation_time),
      lastUpdateTime: meta.last_update_time === null || meta.last_update_time === undefined ? undefined : Number(meta.last_update_time),
      tags,
    };
  }

  listExperiments(view: ViewType = 'ACTIVE_ONLY'): Experiment[] {
    const out: Experiment[] = [];
    for (const { dir } of this.experimentDirs(view)) {
      const e = this.readExperiment(dir);
      if (e) out.push(e);
    }
    return out.sort((a, b) => (a.creationTime ?? 0) - (b.creationTime ?? 0) || a.experimentId.localeCompare(b.experimentId));
  }

  private experimentDir(experimentId: string): string | undefined {
    for (const parent of [this.root, path.join(this.root, TRASH)]) {
      const d = path.join(parent, experimentId);
      if (fs.existsSync(path.join(d, 'meta.yaml'))) return d;
    }
    return undefined;
  }

  getExperiment(experimentId: string): Experiment | undefined {
    const d = this.experimentDir(experimentId);
    return d ? this.readExperiment(d) : undefined;
  }

  getExperimentByName(name: string): Experiment | undefined {
    return this.listExperiments('ALL').find((e) => e.name === name);
  }

  /** The active experiment with this name: found, restored from .trash, or created. */
  getOrCreateExperiment(name: string): Experiment {
    validateExperimentName(name);
    this.init();
    for (let attempt = 0; attempt < 10; attempt++) {
      const found = this.getExperimentByName(name);
      if (found && found.lifecycleStage === 'active') return found;
      if (found) {
        this.restoreExperiment(found.experimentId);
        continue;
      }
      for (let salt = 0; salt < 100; salt++) {
        const id = experimentIdFor(name, salt);
        if (fs.existsSync(path.join(this.root, TRASH, id))) continue; // taken by a deleted experiment of another name
        const dir = path.join(this.root, id);
        fs.mkdirSync(dir, { recursive: true });
        const now = Date.now();
        if (createFileExclusive(path.join(dir, 'meta.yaml'), dumpYaml(this.experimentMeta(id, name, now)))) return this.readExperiment(dir)!;
        const other = this.readExperiment(dir);
        if (other?.name === name) return other; // another process created it a moment ago
      }
    }
    throw new Error(`could not create experiment ${JSON.stringify(name)} in ${this.root}`);
  }

  deleteExperiment(experimentId: string): void {
    if (experimentId === DEFAULT_EXPERIMENT_ID) throw new TrackingValidationError('the Default experiment (id 0) cannot be deleted');
    const src = path.join(this.root, experimentId);
    this.rewriteYaml(path.join(src, 'meta.yaml'), (m) => ({ ...m, lifecycle_stage: 'deleted', last_update_time: Date.now() }), path.join(this.root, experimentId));
    fs.mkdirSync(path.join(this.root, TRASH), { recursive: true });
    fs.renameSync(src, path.join(this.root, TRASH, experimentId));
    this.runs.clear();
  }

  restoreExperiment(experimentId: string): void {
    const src = path.join(this.root, TRASH, experimentId);
    const dest = path.join(this.root, experimentId);
    try {
      fs.renameSync(src, dest);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e; // someone else restored it
    }
    this.rewriteYaml(path.join(dest, 'meta.yaml'), (m) => ({ ...m, lifecycle_stage: 'active', last_update_time: Date.now() }), dest);
    this.runs.clear();
  }

  setExperimentTag(experimentId: string, key: string, value: string): void {
    const t = validateTag(key, value);
    const d = this.experimentDir(experimentId);
    if (!d) throw new TrackingValidationError(`no experiment ${experimentId} in ${this.root}`);
    writeFileAtomic(path.join(d, 'tags', t.key), t.value, d);
  }

  private rewriteYaml(file: string, f: (m: Record<string, unknown>) => Record<string, unknown>, tmpDir: string): void {
    const meta = loadYaml(file);
    if (!meta) throw new Error(`missing ${file}`);
    writeFileAtomic(file, dumpYaml(f(meta)), tmpDir);
  }

  // ---- runs

  private locate(runId: string): RunLocation {
    const cached = this.runs.get(runId);
    if (cached && fs.existsSync(path.join(cached.runDir, 'meta.yaml'))) return cached;
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(runId)) throw new TrackingValidationError(`invalid run id ${JSON.stringify(runId)}`);
    for (const { id, dir } of this.experimentDirs('ALL')) {
      const runDir = path.join(dir, runId);
      if (fs.existsSync(path.join(runDir, 'meta.yaml'))) {
        const loc = { experimentId: id, runDir };
        this.runs.set(runId, loc);
        return loc;
      }
    }
    throw new TrackingValidationError(`run ${runId} not found in ${this.root}`);
  }

  /** The folder of a run. */
  runDir(runId: string): string {
    return this.locate(runId).runDir;
  }

  createRun(opts: CreateRunOptions): Run {
    const expDir = this.experimentDir(opts.experimentId);
    const exp = expDir ? this.readExperiment(expDir) : undefined;
    if (!exp || !expDir) throw new TrackingValidationError(`no experiment ${opts.experimentId} in ${this.root}`);
    if (exp.lifecycleStage !== 'active') throw new TrackingValidationError(`experiment ${exp.name} is deleted`);
    const runId = randomUUID().replace(/-/g, '');
    const runName = opts.runName || opts.tags?.[RUN_NAME_TAG] || randomRunName();
    const tags: Record<string, string> = { ...opts.tags, [RUN_NAME_TAG]: runName };
    if (opts.clientRunId) tags[CLIENT_RUN_ID_TAG] = opts.clientRunId;
    const tagList = Object.entries(tags).map(([k, v]) => validateTag(k, v));
    const runDir = path.join(expDir, runId);
    for (const sub of ['metrics', 'params', 'artifacts', 'tags', TMP]) fs.mkdirSync(path.join(runDir, sub), { recursive: true });
    const base = exp.artifactLocation.startsWith('file:') ? exp.artifactLocation.replace(/\/+$/, '') : pathToFileURL(expDir).href;
    const meta = {
      artifact_uri: `${base}/${runId}/artifacts`,
      deleted_time: null,
      end_time: null,
      entry_point_name: '',
      experiment_id: opts.experimentId,
      lifecycle_stage: 'active',
      run_id: runId,
      run_name: runName,
      source_name: '',
      source_type: 4,
      source_version: '',
      start_time: opts.startTime ?? Date.now(),
      status: RUN_STATUS_CODE.RUNNING,
      tags: [],
      user_id: opts.userId ?? userName(),
    };
    // Tags first, meta.yaml last: a run is visible only once it is whole.
    for (const t of tagList) writeFileAtomic(path.join(runDir, 'tags', t.key), t.value, path.join(runDir, TMP));
    writeFileAtomic(path.join(runDir, 'meta.yaml'), dumpYaml(meta), path.join(runDir, TMP));
    this.runs.set(runId, { experimentId: opts.experimentId, runDir });
    return this.getRun(runId);
  }

  private readInfo(runDir: string): RunInfo {
    const m = loadYaml(path.join(runDir, 'meta.yaml'));
    if (!m) throw new Error(`missing ${path.join(runDir, 'meta.yaml')}`);
    return {
      runId: String(m.run_id ?? m.run_uuid ?? path.basename(runDir)),
      runName: String(m.run_name ?? ''),
      experimentId: String(m.experiment_id),
      userId: String(m.user_id ?? ''),
      status: runStatusFromCode(m.status),
      startTime: Number(m.start_time ?? 0),
      endTime: m.end_time === null || m.end_time === undefined ? undefined : Number(m.end_time),
      artifactUri: String(m.artifact_uri ?? ''),
      lifecycleStage: (m.lifecycle_stage as LifecycleStage) ?? 'active',
    };
  }

  private readKv(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of listFilesRecursive(dir)) out[k] = fs.readFileSync(path.join(dir, k), 'utf8');
    return out;
  }

  getRun(runId: string): Run {
    const { runDir } = this.locate(runId);
    const info = this.readInfo(runDir);
    const tags = this.readKv(path.join(runDir, 'tags'));
    if (!info.runName && tags[RUN_NAME_TAG]) info.runName = tags[RUN_NAME_TAG];
    const metrics: Record<string, Metric> = {};
    for (const key of this.metricKeys(runId)) {
      const hist = this.getMetricHistory(runId, key);
      if (hist.length === 0) continue;
      // MLflow's latest value: max by (step, timestamp, value)
      metrics[key] = hist.reduce((a, b) => (b.step > a.step || (b.step === a.step && (b.timestamp > a.timestamp || (b.timestamp === a.timestamp && b.value > a.value))) ? b : a));
    }
    return { info, data: { metrics, params: this.readKv(path.join(runDir, 'params')), tags } };
  }

  listRuns(experimentId: string, view: ViewType = 'ACTIVE_ONLY'): Run[] {
    const expDir = this.experimentDir(experimentId);
    if (!expDir) return [];
    const out: Run[] = [];
    for (const ent of fs.readdirSync(expDir, { withFileTypes: true })) {
      if (!ent.isDirectory() || RESERVED.has(ent.name) || ent.name.startsWith('.')) continue;
      const runDir = path.join(expDir, ent.name);
      if (!fs.existsSync(path.join(runDir, 'meta.yaml'))) continue;
      this.runs.set(ent.name, { experimentId, runDir });
      const run = this.getRun(ent.name);
      const stage = run.info.lifecycleStage;
      if (view === 'ALL' || (view === 'ACTIVE_ONLY' && stage === 'active') || (view === 'DELETED_ONLY' && stage === 'deleted')) out.push(run);
    }
    return out.sort((a, b) => b.info.startTime - a.info.startTime || a.info.runId.localeCompare(b.info.runId));
  }

  findRunByClientId(experimentId: string, clientRunId: string): Run | undefined {
    return this.listRuns(experimentId, 'ALL').find((r) => r.data.tags[CLIENT_RUN_ID_TAG] === clientRunId);
  }

  updateRun(runId: string, opts: { status?: RunStatus; endTime?: number; runName?: string }): void {
    const { runDir } = this.locate(runId);
    if (opts.runName) writeFileAtomic(path.join(runDir, 'tags', RUN_NAME_TAG), opts.runName, path.join(runDir, TMP));
    this.rewriteYaml(
      path.join(runDir, 'meta.yaml'),
      (m) => ({
        ...m,
        ...(opts.status ? { status: RUN_STATUS_CODE[opts.status] } : {}),
        ...(opts.endTime !== undefined ? { end_time: opts.endTime } : {}),
        ...(opts.runName ? { run_name: opts.runName } : {}),
      }),
      path.join(runDir, TMP),
    );
  }

  deleteRun(runId: string): void {
    const { runDir } = this.locate(runId);
    this.rewriteYaml(path.join(runDir, 'meta.yaml'), (m) => ({ ...m, lifecycle_stage: 'deleted', deleted_time: Date.now() }), path.join(runDir, TMP));
  }

  restoreRun(runId: string): void {
    const { runDir } = this.locate(runId);
    this.rewriteYaml(path.join(runDir, 'meta.yaml'), (m) => ({ ...m, lifecycle_stage: 'active', deleted_time: null }), path.join(runDir, TMP));
  }

  setTag(runId: string, key: string, value: string): void {
    this.logBatch(runId, [], [], [{ key, value }]);
  }

  deleteTag(runId: string, key: string): void {
    validateKey('tag', key);
    const { runDir } = this.locate(runId);
    fs.rmSync(path.join(runDir, 'tags', key), { force: true });
  }

  /**
   * Params, tags and metrics for a run. Params are immutable, as in MLflow:
   * logging a key again with another value is an error naming the key.
   */
  logBatch(runId: string, metrics: Metric[], params: Param[] = [], tags: RunTag[] = []): void {
    for (const m of metrics) validateMetric(m);
    const ps = params.map((p) => validateParam(p.key, p.value));
    const ts = tags.map((t) => validateTag(t.key, t.value));
    const { runDir } = this.locate(runId);
    const tmp = path.join(runDir, TMP);
    let known = this.paramCache.get(runId);
    if (!known) this.paramCache.set(runId, (known = new Map()));
    for (const p of ps) {
      const file = path.join(runDir, 'params', p.key);
      let current = known.get(p.key);
      if (current === undefined) {
        try {
          current = fs.readFileSync(file, 'utf8');
        } catch {
          current = undefined;
        }
      }
      if (current !== undefined && current !== p.value) {
        throw new TrackingValidationError(`param ${JSON.stringify(p.key)} was already logged with value ${JSON.stringify(current)}; MLflow params cannot change (new value ${JSON.stringify(p.value)})`, p.key);
      }
      if (current === undefined) writeFileAtomic(file, p.value, tmp);
      known.set(p.key, p.value);
    }
    for (const t of ts) writeFileAtomic(path.join(runDir, 'tags', t.key), t.value, tmp);
    if (metrics.length > 0) {
      const byKey = new Map<string, string[]>();
      for (const m of metrics) {
        let lines = byKey.get(m.key);
        if (!lines) byKey.set(m.key, (lines = []));
        lines.push(`${m.timestamp} ${formatMetricValue(m.value)} ${m.step}\n`);
      }
      for (const [key, lines] of byKey) {
        const file = path.join(runDir, 'metrics', key);
        if (key.includes('/')) fs.mkdirSync(path.dirname(file), { recursive: true });
        const first = !this.tailChecked.has(file);
        appendLines(file, lines.join(''), first);
        this.tailChecked.add(file);
      }
    }
  }

  metricKeys(runId: string): string[] {
    return listFilesRecursive(path.join(this.locate(runId).runDir, 'metrics'));
  }

  getMetricHistory(runId: string, key: string): Metric[] {
    validateKey('metric', key);
    const file = path.join(this.locate(runId).runDir, 'metrics', key);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return parseMetricLines(key, text);
  }

  // ---- artifacts

  /** The folder holding a run's artifacts. */
  artifactDir(runId: string): string {
    const { runDir } = this.locate(runId);
    const info = this.readInfo(runDir);
    if (info.artifactUri.startsWith('file:')) {
      try {
        const p = fileURLToPath(info.artifactUri);
        if (fs.existsSync(p)) return p;
      } catch {
        /* fall through */
      }
    }
    return path.join(runDir, 'artifacts');
  }

  /** Copies a file into the run's artifacts under `artifactPath` (atomically); returns its artifact path. */
  logArtifact(runId: string, localFile: string, artifactPath = ''): string {
    const rel = [validateArtifactPath(artifactPath), path.basename(localFile)].filter(Boolean).join('/');
    this.logArtifactAs(runId, localFile, rel);
    return rel;
  }

  logArtifactAs(runId: string, localFile: string, relPath: string): void {
    const rel = validateArtifactPath(relPath);
    if (!rel) throw new TrackingValidationError('an artifact needs a file name');
    const { runDir } = this.locate(runId);
    copyFileAtomic(localFile, path.join(this.artifactDir(runId), rel), path.join(runDir, TMP));
  }

  listArtifacts(runId: string): ArtifactFile[] {
    const dir = this.artifactDir(runId);
    return listFilesRecursive(dir).map((p) => ({ path: p, isDir: false, fileSize: fs.statSync(path.join(dir, p)).size }));
  }

  artifactFile(runId: string, relPath: string): string {
    return path.join(this.artifactDir(runId), validateArtifactPath(relPath));
  }
}
