// The thin adapter from @kdlab/tracking's Tracker (an MLflow server or the
// local file store, one API) to the reports' RunSource.
import { createTracker, type Tracker } from '@kdlab/tracking';
import type { RunSource } from './source';

export function sourceFromTracker(tracker: Tracker): RunSource {
  return {
    // Run links need the server's UI; a local store has none.
    uiBaseUrl: tracker.kind === 'server' ? tracker.uri : undefined,
    describe: tracker.uri,
    searchRuns: (opts) => tracker.searchRuns(opts),
    getMetricHistory: (runId, key) => tracker.getMetricHistory(runId, key),
    downloadArtifact: (runId, artifactPath, destDir) => tracker.downloadArtifact(runId, artifactPath, destDir),
  };
}

/** `from`: a local store folder, a file: URI or an http(s) MLflow server URL (credentials from MLflow's env vars). */
export function openTrackingSource(from: string): RunSource {
  return sourceFromTracker(createTracker(from, { log: () => undefined }));
}
