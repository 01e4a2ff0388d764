// MLflow's tracking entities, as the REST API (2.0) and the file store spell them.

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type LifecycleStage = 'active' | 'deleted';
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/** The status enum's numbers, as meta.yaml stores them. */
export const RUN_STATUS_CODE: Record<RunStatus, number> = { RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5 };
export function runStatusFromCode(code: unknown): RunStatus {
  if (typeof code === 'string' && code in RUN_STATUS_CODE) return code as RunStatus;
  const hit = (Object.keys(RUN_STATUS_CODE) as RunStatus[]).find((k) => RUN_STATUS_CODE[k] === Number(code));
  return hit ?? 'RUNNING';
}

export interface Metric {
  key: string;
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  step: number;
}

export interface Param {
  key: string;
  value: string;
}

export interface RunTag {
  key: string;
  value: string;
}

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  creationTime?: number;
  lastUpdateTime?: number;
  tags: Record<string, string>;
}

export interface RunInfo {
  runId: string;
  runName: string;
  experimentId: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime?: number;
  artifactUri: string;
  lifecycleStage: LifecycleStage;
}

export interface RunData {
  /** Latest value of each metric. */
  metrics: Record<string, Metric>;
  params: Record<string, string>;
  tags: Record<string, string>;
}

export interface Run {
  info: RunInfo;
  data: RunData;
}

export interface ArtifactFile {
  /** Path relative to the run's artifact root, "/"-separated. */
  path: string;
  isDir: boolean;
  fileSize?: number;
}

/** Tag every kdlab run carries: a client-side id, so a retried create or a push never makes a second run. */
export const CLIENT_RUN_ID_TAG = 'kdlab.client_run_id';
export const RUN_NAME_TAG = 'mlflow.runName';

/** Options for creating a run, the same for the server client and the local store. */
export interface CreateRunOptions {
  experimentId: string;
  runName?: string;
  /** ms since the epoch; now by default. */
  startTime?: number;
  tags?: Record<string, string>;
  userId?: string;
  /** The client-side id tagged on the run (`kdlab.client_run_id`); a new UUID by default. */
  clientRunId?: string;
}
