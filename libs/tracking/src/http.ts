// The HTTP layer under the MLflow client: axios with keep-alive, MLflow's retry
// policy (429, 5xx, 408, network errors and timeouts; exponential backoff with
// jitter; Retry-After honoured), auth headers, TLS verification, and errors
// that never carry a header.
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import * as http from 'http';
import * as https from 'https';
import type { Readable } from 'stream';
import { backoffSeconds, BACKOFF_MAX_SECONDS, parseRetryAfter, redactUrl, type HttpSettings } from './config';
import { MlflowApiError, MlflowUnavailableError } from './errors';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface RequestSpec<T> {
  method: Method;
  /** Path below the server URL, e.g. `/api/2.0/mlflow/runs/get`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** A JSON body: an object, or an already serialised string. */
  json?: unknown;
  /** A raw body, made anew for each attempt (a stream can be read only once). */
  body?: () => Buffer | Readable;
  bodyLength?: number;
  contentType?: string;
  response?: 'json' | 'buffer' | 'stream';
  /** Override the retry count for this request (0 = one attempt). */
  maxRetries?: number;
  /**
   * Runs before each retry. A value other than undefined ends the request with
   * that value: how a retried runs/create finds the run its lost first attempt made.
   */
  beforeRetry?: () => Promise<T | undefined>;
}

// Codes MLflow's client retries (mlflow/utils/request_utils.py), and every other 5xx.
function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}
// urllib3's Retry.RETRY_AFTER_STATUS_CODES
const RETRY_AFTER_STATUSES = new Set([413, 429, 503]);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface RetryInfo {
  method: string;
  path: string;
  attempt: number;
  waitMs: number;
  reason: string;
}

export interface TransportEvents {
  /** Called before each retry wait (for logs and tests); never given headers. */
  onRetry?: (info: RetryInfo) => void;
  /** Once when the server stops answering (the first retry after a success): an outage has begun. */
  onOutage?: (info: RetryInfo & { server: string }) => void;
  /** Once when a request succeeds again after an outage. */
  onRecovered?: (info: { server: string; downMs: number }) => void;
}

export class HttpTransport {
  readonly baseUrl: string;
  readonly settings: HttpSettings;
  private readonly ax: AxiosInstance;
  private readonly random: () => number;
  events: TransportEvents = {};
  /** When the current outage began (the first retry since the last success), if there is one. */
  private outageSince: number | undefined;

  constructor(baseUrl: string, settings: HttpSettings, opts: { random?: () => number } = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.settings = settings;
    this.random = opts.random ?? Math.random;
    this.ax = axios.create({
      baseURL: this.baseUrl,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 16 }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: !settings.insecureTls }),
      validateStatus: () => true,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
      maxRedirects: 5,
      proxy: false,
      // We parse ourselves: MLflow may answer NaN as a bare token in some handlers.
      transformResponse: [(d: unknown) => d],
      transitional: { clarifyTimeoutError: true },
    });
  }

  async request<T = unknown>(spec: RequestSpec<T>): Promise<T> {
    const maxRetries = spec.maxRetries ?? this.settings.maxRetries;
    const endpoint = spec.path;
    let consecutive = 0;
    for (let attempt = 0; ; attempt++) {
      let res: AxiosResponse | undefined;
      let netReason: string | undefined;
      try {
        res = await this.send(spec);
      } catch (err) {
        netReason = describeNetworkError(err);
        if (isTlsVerificationError(err)) {
          // Retrying cannot fix an untrusted certificate.
          throw new MlflowUnavailableError(
            `MLflow ${spec.method} ${endpoint} on ${redactUrl(this.baseUrl)}: the server's TLS certificate is not trusted (${netReason}); ` +
              'trust its CA (NODE_EXTRA_CA_CERTS) or set MLFLOW_TRACKING_INSECURE_TLS=true to skip verification',
            spec.method,
            endpoint,
            attempt + 1,
            0,
          );
        }
      }
      if (res && res.status >= 200 && res.status < 300) {
        if (this.outageSince !== undefined) {
          const downMs = Date.now() - this.outageSince;
          this.outageSince = undefined;
          this.events.onRecovered?.({ server: redactUrl(this.baseUrl), downMs });
        }
        return this.parse<T>(spec, res);
      }
      if (res && !retryableStatus(res.status)) {
        throw await this.apiError(spec, res);
      }
      consecutive++;
      const reason = res ? `HTTP ${res.status}` : netReason!;
      if (attempt >= maxRetries) {
        if (res) {
          const e = await this.apiError(spec, res);
          throw new MlflowUnavailableError(
            `MLflow ${spec.method} ${endpoint} on ${redactUrl(this.baseUrl)} failed after ${attempt + 1} attempt(s): ${e.message.replace(/^MLflow [A-Z]+ \S+ failed: /, '')}`,
            spec.method,
            endpoint,
            attempt + 1,
            res.status,
          );
        }
        throw new MlflowUnavailableError(
          `MLflow ${spec.method} ${endpoint} on ${redactUrl(this.baseUrl)} failed after ${attempt + 1} attempt(s): ${reason}`,
          spec.method,
          endpoint,
          attempt + 1,
          0,
        );
      }
      let wait = backoffSeconds(consecutive, this.settings, this.random);
      if (res && RETRY_AFTER_STATUSES.has(res.status)) {
        const ra = parseRetryAfter(headerValue(res.headers['retry-after']));
        if (ra !== undefined) wait = Math.min(ra, Math.max(BACKOFF_MAX_SECONDS, this.settings.backoffMaxSeconds));
      }
      if (res) drain(res);
      const waitMs = Math.round(wait * 1000);
      const info = { method: spec.method, path: endpoint, attempt: attempt + 1, waitMs, reason };
      this.events.onRetry?.(info);
      if (this.outageSince === undefined) {
        this.outageSince = Date.now();
        this.events.onOutage?.({ ...info, server: redactUrl(this.baseUrl) });
      }
      if (waitMs > 0) await sleep(waitMs);
      if (spec.beforeRetry) {
        let found: T | undefined;
        try {
          found = await spec.beforeRetry();
        } catch {
          found = undefined; // the look-up failed too: retry the request itself
        }
        if (found !== undefined) return found;
      }
    }
  }

  private send(spec: RequestSpec<unknown>): Promise<AxiosResponse> {
    const headers: Record<string, string> = { 'User-Agent': 'kdlab-tracking' };
    const cred = this.settings.credentials;
    if (cred) headers.Authorization = cred.authorizationHeader();
    let data: unknown;
    if (spec.json !== undefined) {
      data = typeof spec.json === 'string' ? spec.json : JSON.stringify(spec.json);
      headers['Content-Type'] = 'application/json';
    } else if (spec.body) {
      data = spec.body();
      headers['Content-Type'] = spec.contentType ?? 'application/octet-stream';
      if (spec.bodyLength !== undefined) headers['Content-Length'] = String(spec.bodyLength);
    }
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) params[k] = String(v);
    return this.ax.request({
      method: spec.method,
      url: spec.path,
      params,
      data,
      headers,
      timeout: this.settings.timeoutMs,
      signal: AbortSignal.timeout(this.settings.timeoutMs + 1000),
      responseType: spec.response === 'buffer' ? 'arraybuffer' : spec.response === 'stream' ? 'stream' : 'text',
    });
  }

  private parse<T>(spec: RequestSpec<T>, res: AxiosResponse): T {
    if (spec.response === 'buffer') return Buffer.from(res.data as ArrayBuffer) as T;
    if (spec.response === 'stream') return res.data as T;
    return parseJsonLenient(res.data as string) as T;
  }

  private async apiError(spec: RequestSpec<unknown>, res: AxiosResponse): Promise<MlflowApiError> {
    let text: string;
    if (spec.response === 'stream') text = await readStreamText(res.data as Readable);
    else if (spec.response === 'buffer') text = Buffer.from(res.data as ArrayBuffer).toString('utf8');
    else text = String(res.data ?? '');
    let code: string | undefined;
    let message = text.trim();
    try {
      const j = JSON.parse(text) as { error_code?: string; message?: string };
      code = j.error_code;
      if (j.message) message = j.message;
    } catch {
      /* not JSON: keep the text */
    }
    if (message.length > 600) message = `${message.slice(0, 600)}...`;
    return new MlflowApiError(
      `MLflow ${spec.method} ${spec.path} failed: HTTP ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`,
      res.status,
      code,
      spec.method,
      spec.path,
    );
  }
}

function headerValue(v: unknown): string | undefined {
  if (Array.isArray(v)) return v[0];
  return v === undefined || v === null ? undefined : String(v);
}

function drain(res: AxiosResponse): void {
  const d = res.data as { resume?: () => void } | undefined;
  if (d && typeof d.resume === 'function') d.resume();
}

function readStreamText(s: Readable): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    s.on('data', (c: Buffer) => parts.push(Buffer.from(c)));
    s.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    s.on('error', () => resolve(Buffer.concat(parts).toString('utf8')));
  });
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
function isTlsVerificationError(err: unknown): boolean {
  return TLS_CODES.has((err as { code?: string })?.code ?? '');
}

/** What went wrong below HTTP, in words; never the request's config or headers. */
function describeNetworkError(err: unknown): string {
  const e = err as { code?: string; message?: string; name?: string };
  if (e?.code === 'ETIMEDOUT' || e?.code === 'ECONNABORTED' || e?.name === 'TimeoutError' || e?.code === 'ERR_CANCELED') return `timeout (${e.code ?? e.name})`;
  if (e?.code) return `network error ${e.code}`;
  return `network error: ${String(e?.message ?? err).slice(0, 200)}`;
}

/** JSON.parse that also accepts bare NaN / Infinity / -Infinity tokens. */
export function parseJsonLenient(text: string): unknown {
  if (text === '' || text === undefined || text === null) return {};
  try {
    return JSON.parse(text);
  } catch {
    const fixed = text.replace(/(?<=[:[,]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g, '"$1"');
    return JSON.parse(fixed);
  }
}
