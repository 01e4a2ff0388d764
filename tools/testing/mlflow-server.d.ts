export interface MlflowTestServer {
  url: string;
  port: number;
  dir: string;
  pid: number;
  logFile: string;
  startupMs: number;
  stop(graceMs?: number): Promise<void>;
  kill(): Promise<void>;
}
export function startMlflowServer(opts?: { dir?: string; port?: number; healthTimeoutMs?: number; workers?: number }): Promise<MlflowTestServer>;
export function ensureMlflowInstalled(): void;
export function freePort(): Promise<number>;
export const MLFLOW: string;
export const ROOT: string;
