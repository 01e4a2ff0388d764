// `kdlab reproduce <name>`: runs a registered reproduction end to end (every
// row and seed, logged to MLflow), writes `reports/<name>/table.csv` and, when
// @kdlab/reports is present, the HTML report beside it. Interrupted? Run it
// again: finished runs are skipped and the interrupted one resumes.
import type { Command } from 'commander';

// Reproductions are declared by the domain packages (`"kdlab": { "reproductions": [...] }` in
// experiments/<domain>/package.json, exported from the package's main as `reproductions`), so a new
// domain adds its tables without touching this file.

interface ReproduceCliOptions {
  only?: string[];
  runsDir?: string;
  cacheDir?: string;
  trackingUri?: string;
  outDir?: string;
  report: boolean;
}

export function register(program: Command): void {
  program
    .command('reproduce')
    .description(`run a reproduction end to end into MLflow and write its table (the domain packages declare them; an unknown name lists them)`)
    .argument('<name>', 'reproduction name')
    .option('--only <methods...>', 'only these rows (method labels)')
    .option('--runs-dir <dir>', 'root of run dirs (default <repo>/runs)')
    .option('--cache-dir <dir>', 'root of caches such as trained teachers (default <repo>/.cache)')
    .option('--tracking-uri <uri>', 'MLflow tracking URI (default MLFLOW_TRACKING_URI, else ./mlruns)')
    .option('--out-dir <dir>', 'where table.csv and the report go (default reports/<name>)')
    .option('--no-report', 'skip the HTML report')
    .action(async (name: string, opts: ReproduceCliOptions) => {
      const { loadReproduction, runReproduction, RunInterrupted, exitCodeFor } = await import('@kdlab/runner');
      const reproduction = loadReproduction(name);
      console.log(`${reproduction.name}: ${reproduction.description}`);
      let done;
      try {
        done = await runReproduction(reproduction, { only: opts.only, runsDir: opts.runsDir, cacheDir: opts.cacheDir, trackingUri: opts.trackingUri, outDir: opts.outDir });
      } catch (err) {
        if (err instanceof RunInterrupted) {
          console.error(`kdlab: ${err.message} (run \`kdlab reproduce ${name}\` again to continue)`);
          process.exit(exitCodeFor(err.signal));
        }
        throw err;
      }
      console.log(`\n${done.csvFile} (${(done.seconds / 60).toFixed(1)} min):\n${require('fs').readFileSync(done.csvFile, 'utf8')}`);
      if (opts.report) {
        const { createTracker } = await import('@kdlab/tracking');
        const tracker = createTracker(opts.trackingUri);
        const { buildReportFromStore } = await import('@kdlab/reports');
        const outDir = require('path').dirname(done.csvFile);
        await buildReportFromStore({ from: tracker.uri, experiment: reproduction.experiment, outDir, figures: done.figures });
        console.log(`report: ${outDir}/index.html`);
      }
    });
}
