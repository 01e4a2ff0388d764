export { MlflowClient, filterLiteral, type CreateRunOptions, type MlflowClientOptions, type SearchRunsOptions } from './client';
export {
  Credentials,
  backoffSeconds,
  credentialsFromEnv,
  httpSettingsFromEnv,
  parseRetryAfter,
  redactUrl,
  resolveTrackingUri,
  type HttpSettings,
  type TrackingTarget,
} from './config';
export { MlflowApiError, MlflowUnavailableError, TrackingValidationError } from './errors';
export { LocalStore, formatMetricValue, parseMetricLines, parseMetricValue } from './file-store';
export { HttpTransport, parseJsonLenient } from './http';
export { withRun, type WithRunOptions } from './lifecycle';
export { pushStore, type PushOptions, type PushSummary } from './push';
export {
  MlflowTracker,
  RunRecorder,
  SERVER_RUN_ID_TAG,
  createTracker,
  type MetricPoint,
  type RunHandle,
  type RunRecord,
  type RunSummary,
  type StartRunOptions,
  type Tracker,
  type TrackerOptions,
} from './tracker';
export { compileFilter, parseFilter } from './filter';
export * from './types';
export { LIMITS, chunkBatch, decodeMetricValue, encodeMetricValue, pyNormpath, validateKey, validateMetric, validateParam, validateTag } from './validation';
export { listRuns, type RunListing } from './list';
