// `kdlab runs push --from <store> --to <server>`: copy a local store (MLflow's
// file-store layout) to an MLflow server, idempotently.
// `kdlab runs ls [--from <store or URI>] --experiment <name>`: list runs.
import type { Command } from 'commander';

function duration(ms: number | undefined): string {
  if (ms === undefined || ms < 0) return '-';
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export function register(program: Command): void {
  const runs = program.command('runs').description('tracked runs: list them, push a local store to an MLflow server');

  runs
    .command('push')
    .description('copy experiments and runs of a local store to an MLflow server (pushing again creates nothing twice)')
    .requiredOption('--from <dir>', 'local store folder (MLflow file-store layout, e.g. ./mlruns) or file: URI')
    .requiredOption('--to <uri>', 'MLflow tracking server URL (credentials from MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD)')
    .option('--experiment <name...>', 'only these experiments')
    .option('--quiet', 'print only the summary')
    .action(async (opts: { from: string; to: string; experiment?: string[]; quiet?: boolean }) => {
      const { LocalStore, MlflowClient, pushStore, resolveTrackingUri, redactUrl } = await import('@kdlab/tracking');
      const src = resolveTrackingUri(opts.from);
      if (src.kind !== 'local') throw new Error(`--from must be a local store folder or file: URI, got ${redactUrl(opts.from)}`);
      const dst = resolveTrackingUri(opts.to);
      if (dst.kind !== 'server') throw new Error(`--to must be an http(s):// MLflow server, got ${opts.to}`);
      const client = new MlflowClient({ trackingUri: opts.to });
      const s = await pushStore(new LocalStore(src.root), client, { experiments: opts.experiment, log: opts.quiet ? undefined : (l) => console.log(l) });
      console.log(
        `pushed ${src.root} -> ${redactUrl(dst.url)}: ${s.experiments} experiments; runs ${s.runsCreated} created, ${s.runsUpdated} updated, ${s.runsUnchanged} unchanged; ${s.metricPoints} metric points, ${s.params} params, ${s.tags} tags, ${s.artifacts} artifacts sent`,
      );
      if (s.errors.length) throw new Error(`${s.errors.length} run(s) not pushed:\n  ${s.errors.join('\n  ')}`);
    });

  runs
    .command('ls')
    .description('list the runs of an experiment')
    .option('--from <store or URI>', 'local store folder, file: URI or MLflow server URL (default MLFLOW_TRACKING_URI, else ./mlruns)')
    .requiredOption('--experiment <name>', 'experiment name')
    .option('--json', 'print JSON')
    .action(async (opts: { from?: string; experiment: string; json?: boolean }) => {
      const { listRuns } = await import('@kdlab/tracking');
      const l = await listRuns(opts.from, opts.experiment);
      // A misspelt name is an error (exit 1), not an empty listing.
      if (!l.experimentId) throw new Error(`experiment '${opts.experiment}' not found on ${l.source}`);
      if (opts.json) return console.log(JSON.stringify(l));
      console.log(`${l.source}: experiment ${JSON.stringify(l.experiment)} (${l.experimentId}), ${l.runs.length} run(s)`);
      if (l.runs.length === 0) return;
      const rows = [['run id', 'name', 'status', 'start', 'duration', 'metrics', 'params']];
      for (const r of l.runs) {
        rows.push([
          r.info.runId,
          r.info.runName,
          r.info.status,
          new Date(r.info.startTime).toISOString().replace('.000Z', 'Z'),
          duration(r.info.endTime !== undefined ? r.info.endTime - r.info.startTime : undefined),
          String(Object.keys(r.data.metrics).length),
          String(Object.keys(r.data.params).length),
        ]);
      }
      console.log(table(rows));
    });
}
