// `kdlab study <name>`: a cross-task study (experiments/studies/<name>.yaml): the same distillation
// losses on every listed domain under one weight rule, each cell over the profile's seeds, logged to
// MLflow; through the sweep queue when REDIS_URL is set (start `kdlab worker`s), otherwise locally.
// Cells already FINISHED in tracking (same config hash) are reused, so an interrupted study continues
// where it stopped. Writes reports/<name>/ (index.html, matrix.csv, kendall.csv).
import type { Command } from 'commander';

interface StudyCliOptions {
  domains?: string[];
  profile: string;
  file?: string;
  local?: boolean;
  reportOnly?: boolean;
  runsDir?: string;
  cacheDir?: string;
  trackingUri?: string;
  outDir?: string;
}

const list = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

export function register(program: Command): void {
  program
    .command('study')
    .description('run a cross-task study (experiments/studies/<name>.yaml) and write reports/<name>/; resumable, via the sweep queue when REDIS_URL is set')
    .argument('<name>', 'study name, e.g. cross-task')
    .option('--domains <ids>', 'only these domains (comma-separated or repeated)', list)
    .option('--profile <name>', 'the domains\' profile to run (e.g. quick)', 'quick')
    .option('--file <path>', 'the study definition (default experiments/studies/<name>.yaml)')
    .option('--local', 'run locally even when REDIS_URL is set')
    .option('--report-only', 'run nothing: write the report from what tracking holds')
    .option('--runs-dir <dir>', 'root of run dirs (default <repo>/runs)')
    .option('--cache-dir <dir>', 'root of caches such as trained teachers (default <repo>/.cache)')
    .option('--tracking-uri <uri>', 'MLflow tracking URI (default MLFLOW_TRACKING_URI, else ./mlruns)')
    .option('--out-dir <dir>', 'where the report goes (default reports/<name>)')
    .action(async (name: string, opts: StudyCliOptions) => {
      const fs = await import('fs');
      const path = await import('path');
      const { repoRoot } = await import('@kdlab/data');
      const file = opts.file ?? path.join(repoRoot(), 'experiments/studies', `${name}.yaml`);
      if (!fs.existsSync(file)) throw new Error(`study ${JSON.stringify(name)}: ${file} does not exist (studies: ${fs.readdirSync(path.join(repoRoot(), 'experiments/studies')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).join(', ')})`);
      const { runStudy } = await import('@kdlab/study');
      const { RunInterrupted, exitCodeFor } = await import('@kdlab/runner');
      const started = Date.now();
      try {
        const res = await runStudy({
          study: file,
          profile: opts.profile,
          domains: opts.domains,
          trackingUri: opts.trackingUri,
          redisUrl: opts.local ? null : undefined,
          runsDir: opts.runsDir,
          cacheDir: opts.cacheDir,
          outDir: opts.outDir,
          reportOnly: opts.reportOnly,
          log: (l) => console.log(l),
        });
        const failed = res.execution?.failed ?? [];
        for (const f of failed) console.error(`failed: ${f.cell.overrides.name}: ${f.error}`);
        console.log(`study ${name}: ${((Date.now() - started) / 60000).toFixed(1)} min; ${res.report.matrixCsv}`);
        if (failed.length) process.exitCode = 1;
      } catch (err) {
        if (err instanceof RunInterrupted) {
          console.error(`kdlab: ${err.message} (run \`kdlab study ${name}\` again to continue)`);
          process.exit(exitCodeFor(err.signal));
        }
        throw err;
      }
    });
}
