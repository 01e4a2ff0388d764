// @kdlab/sweep: sweeps beyond one machine. A sweep file expands into runs, each a BullMQ job on Redis
// keyed by its resolved config's hash; workers anywhere take jobs and run them with the runner, logging
// to MLflow (on PostgreSQL for many writers) and keeping checkpoints as artifacts of the run, so another
// worker can take over a job whose worker died. `cluster` starts the three services locally.
export { clusterUp, clusterDown, clusterStatus, clusterDir, readCluster, urisOf, type ClusterState, type ClusterUris, type ServiceStatus } from './cluster';
export { freePort, stopGroup, alive, type ServiceHandle } from './services/process';
export { startRedis } from './services/redis';
export { startPostgres } from './services/postgres';
export { startMlflow } from './services/mlflow';
export { loadSweepFile, expandSweep, sweepSchema, type SweepFile, type SweepJob } from './sweep-file';
export { submitSweep, sweepStatus, sweepId, JOB_OPTIONS, type SubmitResult, type SweepStatus, type JobStatus } from './queue';
export { startWorker, runJob, type WorkerOptions, type JobOutcome } from './worker';
export { runOfJob, uploadCheckpoint, materialiseRunDir } from './takeover';
export { connect, redisUrl } from './connection';
