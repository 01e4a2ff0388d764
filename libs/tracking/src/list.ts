// `kdlab runs ls`: the runs of one experiment, from a server or a local store.
import { MlflowClient } from './client';
import { resolveTrackingUri, redactUrl } from './config';
import { LocalStore } from './file-store';
import type { Run } from './types';

export interface RunListing {
  source: string;
  experiment: string;
  experimentId?: string;
  runs: Run[];
}

/** Lists the active runs of `experiment`, newest first. `from` is a store folder, a file: URI or a server URL (default MLFLOW_TRACKING_URI, else ./mlruns). */
export async function listRuns(from: string | undefined, experiment: string, env: NodeJS.ProcessEnv = process.env): Promise<RunListing> {
  const uri = from ?? env.MLFLOW_TRACKING_URI;
  const target = resolveTrackingUri(uri);
  if (target.kind === 'local') {
    const store = new LocalStore(target.root);
    if (!store.exists()) throw new Error(`no local store at ${target.root}`);
    const exp = store.getExperimentByName(experiment);
    if (!exp) return { source: target.root, experiment, runs: [] };
    return { source: target.root, experiment, experimentId: exp.experimentId, runs: store.listRuns(exp.experimentId) };
  }
  const client = new MlflowClient({ trackingUri: uri, env });
  const exp = await client.getExperimentByName(experiment);
  if (!exp) return { source: redactUrl(target.url), experiment, runs: [] };
  const runs = await client.searchAllRuns({ experimentIds: [exp.experimentId], orderBy: ['attributes.start_time DESC'], runViewType: 'ACTIVE_ONLY' });
  return { source: redactUrl(target.url), experiment, experimentId: exp.experimentId, runs };
}
