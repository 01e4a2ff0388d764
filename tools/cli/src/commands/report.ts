// `kdlab report`: build the HTML result report of an experiment from its
// logged runs (a local store or an MLflow server).
import * as path from 'path';
import type { Command } from 'commander';

interface ReportOptions {
  from?: string;
  experiment: string;
  out?: string;
  spec?: string;
  filter?: string;
  static?: boolean;
}

export function register(program: Command): void {
  program
    .command('report')
    .description('build an HTML report (tables, charts, provenance, CSV) from the runs of an experiment')
    .requiredOption('--experiment <name>', 'MLflow experiment name')
    .option('--from <store>', 'local store directory, file: URI or http(s) MLflow server URL (default: MLFLOW_TRACKING_URI, else ./mlruns)')
    .option('--out <dir>', 'output directory (default: reports/<experiment>)')
    .option('--spec <file>', 'report spec (JSON or YAML); default: the logging convention')
    .option('--filter <expr>', "MLflow search filter, e.g. \"params.scale = '4'\"")
    .option('--static', 'static SVG charts only: no JavaScript inlined (a much smaller file)')
    .action(async (opts: ReportOptions) => {
      const { buildReportFromStore, loadSpec } = await import('@kdlab/reports');
      const from = opts.from ?? process.env.MLFLOW_TRACKING_URI ?? 'mlruns';
      // A missing experiment says so (not "no finished runs"), before anything is written.
      const { listRuns } = await import('@kdlab/tracking');
      const found = await listRuns(from, opts.experiment);
      if (!found.experimentId) throw new Error(`experiment '${opts.experiment}' not found on ${found.source}`);
      const spec = opts.spec ? loadSpec(opts.spec) : undefined;
      const res = await buildReportFromStore({ from, experiment: opts.experiment, outDir: opts.out ?? path.join('reports', opts.experiment.replace(/[^\w.-]+/g, '_')), spec, filter: opts.filter, interactive: !opts.static });
      for (const w of res.warnings) console.error(`note: ${w}`);
      console.log(`report: ${res.indexHtml} (${(res.bytes / 1024).toFixed(0)} KiB, ${res.runs} runs, ${res.tables.length} tables, ${res.charts.length} charts)`);
      for (const f of res.csvFiles) console.log(`csv: ${f}`);
      if (res.runs === 0) throw new Error(`no finished runs in experiment '${opts.experiment}' at ${res.source}`);
    });
}
