// `kdlab cluster up|down|status`: a local Redis, PostgreSQL and MLflow-on-PostgreSQL for sweeps on one
// machine or for development (all on 127.0.0.1). On a real cluster, point REDIS_URL and
// MLFLOW_TRACKING_URI at your own services instead (README: "Sweeps beyond one machine").
import type { Command } from 'commander';

export function register(program: Command): void {
  const cluster = program.command('cluster').description('start, stop or check local Redis + PostgreSQL + MLflow (on PostgreSQL) for sweeps');
  const dirOption = '--dir <dir>';
  const dirHelp = 'data, logs and state of the services (default <repo>/.cache/cluster or KDLAB_CLUSTER_DIR)';
  cluster
    .command('up')
    .description('start the three services (no-op when they run) and print the URIs to export')
    .option(dirOption, dirHelp)
    .action(async (opts: { dir?: string }) => {
      const { clusterUp, urisOf } = await import('@kdlab/sweep');
      const state = await clusterUp({ dir: opts.dir, log: (l) => console.error(`[cluster] ${l}`) });
      for (const s of state.services) console.error(`[cluster] ${s.name}: ${s.uri} (pid ${s.pid}, log ${s.logFile})`);
      for (const [k, v] of Object.entries(urisOf(state))) console.log(`export ${k}=${v}`);
    });
  cluster
    .command('down')
    .description('stop the services (their data stays in the folder)')
    .option(dirOption, dirHelp)
    .action(async (opts: { dir?: string }) => {
      const { clusterDown } = await import('@kdlab/sweep');
      const stopped = await clusterDown({ dir: opts.dir });
      console.log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'no cluster was running');
    });
  cluster
    .command('status')
    .description('each service: running, healthy, URI')
    .option(dirOption, dirHelp)
    .option('--json', 'print JSON')
    .action(async (opts: { dir?: string; json?: boolean }) => {
      const { clusterStatus } = await import('@kdlab/sweep');
      const status = await clusterStatus({ dir: opts.dir });
      if (opts.json) return console.log(JSON.stringify(status));
      if (status.length === 0) return console.log('no cluster (kdlab cluster up starts one)');
      for (const s of status) console.log(`${s.name.padEnd(9)} ${s.healthy ? 'healthy' : s.running ? 'running, not answering' : 'stopped'}  ${s.uri}  pid ${s.pid}`);
      if (status.some((s) => !s.healthy)) process.exitCode = 1;
    });
}
