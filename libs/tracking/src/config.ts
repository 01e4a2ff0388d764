// Settings from MLflow's own environment variables, with MLflow's defaults.
import * as path from 'path';
import { fileURLToPath } from 'url';
import { inspect } from 'util';
import { TrackingValidationError } from './errors';

/** Where runs go: an MLflow tracking server, or a local store in MLflow's file-store layout. */
export type TrackingTarget = { kind: 'server'; url: string } | { kind: 'local'; root: string };

/**
 * `MLFLOW_TRACKING_URI` semantics: unset → `./mlruns`; `file:` URI or a plain
 * path → that local store; `http(s)://` → a server. Credentials in the URL
 * (`https://user:pass@host`) are taken out of it (see {@link credentialsFromUrl}).
 */
export function resolveTrackingUri(uri: string | undefined, cwd: string = process.cwd()): TrackingTarget {
  const u = (uri ?? '').trim();
  if (!u) return { kind: 'local', root: path.resolve(cwd, 'mlruns') };
  if (/^https?:\/\//i.test(u)) {
    const parsed = new URL(u);
    parsed.username = '';
    parsed.password = '';
    return { kind: 'server', url: parsed.toString().replace(/\/+$/, '') };
  }
  if (/^file:/i.test(u)) {
    // file:///abs/path, file:/abs/path, or MLflow's relative file:./mlruns
    if (/^file:\/\//i.test(u)) return { kind: 'local', root: fileURLToPath(u) };
    return { kind: 'local', root: path.resolve(cwd, decodeURIComponent(u.slice('file:'.length))) };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(u) && !/^[a-z]:[\\/]/i.test(u)) {
    throw new TrackingValidationError(
      `unsupported tracking URI scheme in ${JSON.stringify(u.replace(/\/\/[^@/]*@/, '//'))}: use an http(s):// MLflow server, a file: URI or a plain path`,
    );
  }
  return { kind: 'local', root: path.resolve(cwd, u) };
}

/**
 * Credentials for the tracking server. They live in a private field: not in
 * JSON.stringify, util.inspect or console.log of this object or of anything
 * holding it, and no error message includes them.
 */
export class Credentials {
  readonly #header: string;
  readonly kind: 'bearer' | 'basic';
  private constructor(kind: 'bearer' | 'basic', header: string) {
    this.kind = kind;
    this.#header = header;
  }
  static bearer(token: string): Credentials {
    return new Credentials('bearer', `Bearer ${token}`);
  }
  static basic(username: string, password: string): Credentials {
    return new Credentials('basic', `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`);
  }
  /** The Authorization header value. Only the HTTP transport calls this. */
  authorizationHeader(): string {
    return this.#header;
  }
  toJSON(): string {
    return `[${this.kind} credentials]`;
  }
  toString(): string {
    return `[${this.kind} credentials]`;
  }
  [inspect.custom](): string {
    return `[${this.kind} credentials]`;
  }
}

/** `MLFLOW_TRACKING_TOKEN` (bearer) wins over `MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD` (basic), as in MLflow. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  if (env.MLFLOW_TRACKING_TOKEN) return Credentials.bearer(env.MLFLOW_TRACKING_TOKEN);
  if (env.MLFLOW_TRACKING_USERNAME && env.MLFLOW_TRACKING_PASSWORD) return Credentials.basic(env.MLFLOW_TRACKING_USERNAME, env.MLFLOW_TRACKING_PASSWORD);
  return undefined;
}

/** user:password in a tracking URL, as basic credentials. */
export function credentialsFromUrl(uri: string | undefined): Credentials | undefined {
  if (!uri || !/^https?:\/\//i.test(uri.trim())) return undefined;
  const u = new URL(uri.trim());
  if (!u.username) return undefined;
  return Credentials.basic(decodeURIComponent(u.username), decodeURIComponent(u.password));
}

export interface HttpSettings {
  /** MLFLOW_HTTP_REQUEST_MAX_RETRIES (default 7). */
  maxRetries: number;
  /** MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR in seconds (default 2): retry n waits factor·2^(n-1) s, the first one none, at most 120 s. */
  backoffFactor: number;
  /** MLFLOW_HTTP_REQUEST_BACKOFF_JITTER in seconds (default 1.0): up to this much random extra wait. */
  backoffJitter: number;
  /** Longest wait between two attempts, in seconds (urllib3's backoff_max, 120; not an MLflow variable). */
  backoffMaxSeconds: number;
  /** MLFLOW_HTTP_REQUEST_TIMEOUT, here in milliseconds (env in seconds, default 120). */
  timeoutMs: number;
  /** MLFLOW_TRACKING_INSECURE_TLS=true turns TLS verification off. On by default. */
  insecureTls: boolean;
  credentials?: Credentials;
}

export const BACKOFF_MAX_SECONDS = 120;
const MAX_RETRIES_LIMIT = 10; // MLflow's _MLFLOW_HTTP_REQUEST_MAX_RETRIES_LIMIT
const MAX_BACKOFF_FACTOR_LIMIT = 120; // MLflow's _MLFLOW_HTTP_REQUEST_MAX_BACKOFF_FACTOR_LIMIT

function num(env: NodeJS.ProcessEnv, name: string, dflt: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return dflt;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new TrackingValidationError(`${name}=${JSON.stringify(raw)}: expected a non-negative number`);
  return v;
}

function bool(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new TrackingValidationError(`${name}=${JSON.stringify(env[name])}: expected true or false`);
}

export function httpSettingsFromEnv(env: NodeJS.ProcessEnv = process.env, trackingUri?: string): HttpSettings {
  const maxRetries = Math.floor(num(env, 'MLFLOW_HTTP_REQUEST_MAX_RETRIES', 7));
  const backoffFactor = num(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR', 2);
  if (maxRetries > MAX_RETRIES_LIMIT) throw new TrackingValidationError(`MLFLOW_HTTP_REQUEST_MAX_RETRIES=${maxRetries}: MLflow allows at most ${MAX_RETRIES_LIMIT}`);
  if (backoffFactor > MAX_BACKOFF_FACTOR_LIMIT) throw new TrackingValidationError(`MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR=${backoffFactor}: MLflow allows at most ${MAX_BACKOFF_FACTOR_LIMIT}`);
  return {
    maxRetries,
    backoffFactor,
    backoffJitter: num(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_JITTER', 1.0),
    backoffMaxSeconds: BACKOFF_MAX_SECONDS,
    timeoutMs: num(env, 'MLFLOW_HTTP_REQUEST_TIMEOUT', 120) * 1000,
    insecureTls: bool(env, 'MLFLOW_TRACKING_INSECURE_TLS'),
    credentials: credentialsFromEnv(env) ?? credentialsFromUrl(trackingUri ?? env.MLFLOW_TRACKING_URI),
  };
}

/** urllib3's backoff, as MLflow's client uses it: nothing before the first retry, then factor·2^(n-1) plus jitter, capped. */
export function backoffSeconds(
  consecutiveErrors: number,
  s: Pick<HttpSettings, 'backoffFactor' | 'backoffJitter'> & { backoffMaxSeconds?: number },
  random: () => number = Math.random,
): number {
  if (consecutiveErrors <= 1) return 0;
  let v = s.backoffFactor * 2 ** (consecutiveErrors - 1);
  if (s.backoffJitter > 0) v += random() * s.backoffJitter;
  return Math.max(0, Math.min(s.backoffMaxSeconds ?? BACKOFF_MAX_SECONDS, v));
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined | null, now: number = Date.now()): number | undefined {
  if (value === undefined || value === null) return undefined;
  const v = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, (t - now) / 1000);
}

/** A URL for messages: no user info, no query string. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}
