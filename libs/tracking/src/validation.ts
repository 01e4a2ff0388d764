// MLflow's rules for names and values (mlflow/utils/validation.py), applied
// before anything is sent or written, so a bad key is a clear error naming
// the key instead of a 400 from the server minutes into a run.
import { TrackingValidationError } from './errors';
import type { Metric, Param, RunTag } from './types';

export const LIMITS = Object.freeze({
  /** log-batch: metrics per request */
  metricsPerBatch: 1000,
  /** log-batch: params per request, and tags per request */
  paramsTagsPerBatch: 100,
  /** log-batch: metrics + params + tags per request */
  entitiesPerBatch: 1000,
  /** log-batch: bytes of one request body */
  batchRequestBytes: 1_000_000,
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  experimentNameLength: 500,
});

/** Python's `posixpath.normpath`, which MLflow uses to reject names that would resolve to other files. */
export function pyNormpath(p: string): string {
  if (p === '') return '.';
  let initialSlashes = p.startsWith('/') ? 1 : 0;
  if (initialSlashes && p.startsWith('//') && !p.startsWith('///')) initialSlashes = 2;
  const out: string[] = [];
  for (const comp of p.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp !== '..' || (!initialSlashes && out.length === 0) || (out.length > 0 && out[out.length - 1] === '..')) out.push(comp);
    else if (out.length > 0) out.pop();
  }
  const joined = '/'.repeat(initialSlashes) + out.join('/');
  return joined || '.';
}

// Python's `\w` on str patterns is Unicode-aware: letters, numbers, underscore.
const NAME_CHARS = /^[\p{L}\p{N}_/.\- :]*$/u;

/** Unicode code points, as Python's len() counts them. */
function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function tooLong(s: string, limit: number): boolean {
  // UTF-16 length is >= code points, so the exact count is only needed past the limit.
  return s.length > limit && codePointLength(s) > limit;
}

function show(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);
}

export type KeyKind = 'metric' | 'param' | 'tag' | 'experiment tag';

// Keys already found valid (a run logs the same few keys many times).
const validKeys = new Set<string>();

/** Throws unless `key` is a valid MLflow metric, param or tag name. */
export function validateKey(kind: KeyKind, key: unknown): asserts key is string {
  if (typeof key === 'string' && validKeys.has(key)) return;
  checkKey(kind, key);
  if (validKeys.size >= 10000) validKeys.clear();
  validKeys.add(key as string);
}

function checkKey(kind: KeyKind, key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new TrackingValidationError(`invalid ${kind} key: expected a string, got ${typeof key}`);
  if (key.length === 0) throw new TrackingValidationError(`invalid ${kind} key "": a name cannot be empty`, key);
  if (tooLong(key, LIMITS.keyLength)) {
    throw new TrackingValidationError(`invalid ${kind} key ${show(key)}: ${codePointLength(key)} characters, MLflow allows at most ${LIMITS.keyLength}`, key);
  }
  if (!NAME_CHARS.test(key)) {
    throw new TrackingValidationError(
      `invalid ${kind} key ${show(key)}: names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon (:) and slashes (/)`,
      key,
    );
  }
  const norm = pyNormpath(key);
  if (norm !== key || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    throw new TrackingValidationError(
      `invalid ${kind} key ${show(key)}: names are stored as file paths and must not resolve to another name (this one resolves to ${show(norm)}; no "..", "./", "//", leading or trailing "/")`,
      key,
    );
  }
}

export function validateParamValue(key: string, value: string): void {
  if (tooLong(value, LIMITS.paramValueLength)) {
    throw new TrackingValidationError(
      `param ${show(key)}: value has ${codePointLength(value)} characters, MLflow allows at most ${LIMITS.paramValueLength}`,
      key,
    );
  }
}

export function validateTagValue(key: string, value: string): void {
  if (tooLong(value, LIMITS.tagValueLength)) {
    throw new TrackingValidationError(
      `tag ${show(key)}: value has ${codePointLength(value)} characters, MLflow allows at most ${LIMITS.tagValueLength}`,
      key,
    );
  }
}

export function validateExperimentName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) throw new TrackingValidationError(`invalid experiment name ${JSON.stringify(name)}: must be a non-empty string`);
  if (tooLong(name, LIMITS.experimentNameLength)) {
    throw new TrackingValidationError(`experiment name ${show(name)}: at most ${LIMITS.experimentNameLength} characters`);
  }
}

export function validateMetric(m: Metric): void {
  validateKey('metric', m.key);
  if (typeof m.value !== 'number') throw new TrackingValidationError(`metric ${show(m.key)}: value must be a number, got ${typeof m.value}`, m.key);
  if (!Number.isSafeInteger(m.timestamp) || m.timestamp < 0) {
    throw new TrackingValidationError(`metric ${show(m.key)}: timestamp must be a non-negative integer (ms), got ${m.timestamp}`, m.key);
  }
  if (!Number.isSafeInteger(m.step)) throw new TrackingValidationError(`metric ${show(m.key)}: step must be an integer, got ${m.step}`, m.key);
}

/** A param value as MLflow stores it (a string). */
export function paramToString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** Validates a param, returning it with its value as a string. */
export function validateParam(key: string, value: unknown): Param {
  validateKey('param', key);
  const v = paramToString(value);
  validateParamValue(key, v);
  return { key, value: v };
}

export function validateTag(key: string, value: unknown): RunTag {
  validateKey('tag', key);
  const v = paramToString(value);
  validateTagValue(key, v);
  return { key, value: v };
}

/** Safe relative artifact path: no "..", not absolute, "/"-separated. */
export function validateArtifactPath(p: string): string {
  const clean = p.replace(/\\/g, '/').replace(/^\.\/+/, '');
  if (clean === '' || clean === '.') return '';
  if (clean.startsWith('/') || clean.split('/').some((c) => c === '..')) {
    throw new TrackingValidationError(`invalid artifact path ${show(p)}: must be relative and must not contain ".."`);
  }
  return clean.split('/').filter((c) => c !== '' && c !== '.').join('/');
}

// ---- JSON for log-batch: NaN and ±Infinity as MLflow's protobuf JSON spells them.

export function encodeMetricValue(v: number): number | string {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? 'Infinity' : '-Infinity';
}

export function decodeMetricValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'nan') return NaN;
    if (s === 'infinity' || s === 'inf' || s === '+infinity' || s === '+inf') return Infinity;
    if (s === '-infinity' || s === '-inf') return -Infinity;
    return Number(v);
  }
  return NaN;
}

// JSON of a key, and whether it is ASCII (then bytes = characters), per key.
const keyJsonCache = new Map<string, [string, boolean]>();
function keyJson(key: string): [string, boolean] {
  let hit = keyJsonCache.get(key);
  if (!hit) {
    const j = JSON.stringify(key);
    hit = [j, !/[^\x00-\x7f]/.test(j)];
    if (keyJsonCache.size >= 10000) keyJsonCache.clear();
    keyJsonCache.set(key, hit);
  }
  return hit;
}

function metricJson(m: Metric): string {
  const v = m.value;
  const value = Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
  return `{"key":${keyJson(m.key)[0]},"value":${value},"timestamp":${m.timestamp},"step":${m.step}}`;
}

function kvJson(p: Param | RunTag): string {
  return `{"key":${JSON.stringify(p.key)},"value":${JSON.stringify(p.value)}}`;
}

export interface BatchChunk {
  metrics: Metric[];
  params: Param[];
  tags: RunTag[];
  /** The request body for runs/log-batch, at most LIMITS.batchRequestBytes bytes. */
  body: string;
}

/**
 * Splits a log-batch into requests within MLflow's limits: at most 1000
 * metrics, 100 params, 100 tags, 1000 items and 1 MB per request. Params and
 * tags go first so a run's configuration lands before its metrics.
 */
export function chunkBatch(runId: string, metrics: Metric[], params: Param[] = [], tags: RunTag[] = [], limits = LIMITS): BatchChunk[] {
  const head = `{"run_id":${JSON.stringify(runId)}`;
  // Overhead of the envelope: head + the three array wrappers + closing brace.
  const envelope = Buffer.byteLength(head) + ',"metrics":[]'.length + ',"params":[]'.length + ',"tags":[]'.length + 1;
  const out: BatchChunk[] = [];
  let cur = { metrics: [] as string[], params: [] as string[], tags: [] as string[], m: [] as Metric[], p: [] as Param[], t: [] as RunTag[], bytes: envelope };
  const fresh = () => ({ metrics: [] as string[], params: [] as string[], tags: [] as string[], m: [] as Metric[], p: [] as Param[], t: [] as RunTag[], bytes: envelope });
  const count = () => cur.m.length + cur.p.length + cur.t.length;
  const close = () => {
    if (count() === 0) return;
    const body = `${head},"metrics":[${cur.metrics.join(',')}],"params":[${cur.params.join(',')}],"tags":[${cur.tags.join(',')}]}`;
    out.push({ metrics: cur.m, params: cur.p, tags: cur.t, body });
    cur = fresh();
  };
  const add = (kind: 'm' | 'p' | 't', json: string, item: Metric | Param | RunTag) => {
    const bytes = (kind === 'm' && keyJson(item.key)[1] ? json.length : Buffer.byteLength(json)) + 1;
    if (envelope + bytes > limits.batchRequestBytes) {
      throw new TrackingValidationError(`${kind === 'm' ? 'metric' : kind === 'p' ? 'param' : 'tag'} ${show(item.key)} does not fit in one ${limits.batchRequestBytes}-byte log-batch request`, item.key);
    }
    const full =
      count() + 1 > limits.entitiesPerBatch ||
      cur.bytes + bytes > limits.batchRequestBytes ||
      (kind === 'm' && cur.m.length + 1 > limits.metricsPerBatch) ||
      (kind === 'p' && cur.p.length + 1 > limits.paramsTagsPerBatch) ||
      (kind === 't' && cur.t.length + 1 > limits.paramsTagsPerBatch);
    if (full) close();
    cur.bytes += bytes;
    if (kind === 'm') (cur.metrics.push(json), cur.m.push(item as Metric));
    else if (kind === 'p') (cur.params.push(json), cur.p.push(item as Param));
    else (cur.tags.push(json), cur.t.push(item as RunTag));
  };
  for (const p of params) add('p', kvJson(p), p);
  for (const t of tags) add('t', kvJson(t), t);
  for (const m of metrics) add('m', metricJson(m), m);
  close();
  return out;
}
