// `kdlab run <config> [more configs...]`: one training/evaluation run from a
// declarative config. Several files merge left to right (e.g. a profile, then
// a method); `--set key=value` overrides single fields.
import type { Command } from 'commander';

interface RunCliOptions {
  resume?: boolean;
  fresh?: boolean;
  seed?: string;
  name?: string;
  set: string[];
  runsDir?: string;
  cacheDir?: string;
  trackingUri?: string;
  printConfig?: boolean;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('train (and distil) as a config declares, evaluate, and log everything to MLflow')
    .argument('<configs...>', 'config files (YAML or JSON), merged left to right')
    .option('--resume', 'continue from the run dir\'s last checkpoint and reopen its MLflow run')
    .option('--fresh', 'delete an existing run dir of the same name first')
    .option('--seed <n>', 'override config.seed')
    .option('--name <name>', 'run name (default: config.name, else the config file names and the seed)')
    .option('--set <key=value>', 'override a field, e.g. --set train.steps=20 (repeatable)', (v: string, acc: string[]) => [...acc, v], [])
    .option('--runs-dir <dir>', 'root of run dirs (default <repo>/runs)')
    .option('--cache-dir <dir>', 'root of caches such as trained teachers (default <repo>/.cache)')
    .option('--tracking-uri <uri>', 'MLflow tracking URI (default: config.tracking.uri, else MLFLOW_TRACKING_URI, else ./mlruns)')
    .option('--print-config', 'print the resolved config and exit')
    .action(async (files: string[], opts: RunCliOptions) => {
      const { resolveRun, executeRun, RunInterrupted, exitCodeFor } = await import('@kdlab/runner');
      const { stringify } = await import('yaml');
      const overrides: Record<string, unknown> = {};
      if (opts.seed !== undefined) overrides.seed = Number(opts.seed);
      if (opts.name !== undefined) overrides.name = opts.name;
      const run = resolveRun(files, { sets: opts.set, overrides });
      if (opts.printConfig) {
        process.stdout.write(`# sha256 ${run.hash}\n${stringify(run.config)}`);
        return;
      }
      try {
        const result = await executeRun(run, { resume: opts.resume, fresh: opts.fresh, runsDir: opts.runsDir, cacheDir: opts.cacheDir, trackingUri: opts.trackingUri });
        console.log(JSON.stringify({ runId: result.runId, runDir: result.runDir, metrics: result.metrics }));
      } catch (err) {
        if (err instanceof RunInterrupted) {
          console.error(`kdlab: ${err.message}`);
          process.exit(exitCodeFor(err.signal));
        }
        throw err;
      }
    });
}
