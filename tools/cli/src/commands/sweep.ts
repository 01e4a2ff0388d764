// `kdlab sweep submit|status|report`: a whole table (methods x seeds x ...) queued once on Redis
// (REDIS_URL) for any number of `kdlab worker`s; runs and checkpoints go to MLFLOW_TRACKING_URI.
import type { Command } from 'commander';

function bar(step: number, total: number): string {
  const width = 20;
  const done = total > 0 ? Math.round((step / total) * width) : 0;
  return `[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${step}/${total}`;
}

export function register(program: Command): void {
  const sweep = program.command('sweep').description('queue a sweep for workers on other machines, follow it, report it');
  sweep
    .command('submit')
    .description('expand a sweep file (or a reproduction) into one job per run and queue them; prints the sweep id')
    .argument('[sweep.yaml]', 'sweep file (configs + grid); see libs/sweep/README.md')
    .option('--reproduction <name>', 'queue every row x seed of a registered reproduction instead')
    .option('--queue <name>', 'queue name (default: the file\'s, else kdlab)')
    .action(async (file: string | undefined, opts: { reproduction?: string; queue?: string }) => {
      const { loadSweepFile, expandSweep, sweepSchema, submitSweep } = await import('@kdlab/sweep');
      const { createTracker } = await import('@kdlab/tracking');
      if (!file && !opts.reproduction) throw new Error('kdlab sweep submit: give a sweep file or --reproduction <name>');
      const s = file ? loadSweepFile(file) : sweepSchema.parse({ name: opts.reproduction, reproduction: opts.reproduction });
      if (opts.queue) s.queue = opts.queue;
      const jobs = expandSweep(s);
      const res = await submitSweep(s, jobs, { tracker: createTracker() });
      console.error(`${res.jobs} jobs: ${res.enqueued} queued, ${res.alreadyQueued} already queued, ${res.alreadyFinished} already FINISHED in MLflow (queue ${res.queue})`);
      console.log(`sweep ${res.sweepId} ${res.jobs}`);
    });
  sweep
    .command('status')
    .description('waiting / active / finished / failed per job, with progress and the worker holding it')
    .argument('<id>', 'sweep id (printed by submit)')
    .option('--watch [seconds]', 'refresh every few seconds until every job has ended')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { watch?: string | boolean; json?: boolean }) => {
      const { sweepStatus } = await import('@kdlab/sweep');
      const every = opts.watch === undefined ? 0 : Number(opts.watch === true ? 5 : opts.watch);
      for (;;) {
        const st = await sweepStatus(id);
        if (opts.json) console.log(JSON.stringify(st));
        else {
          if (every && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
          console.log(`sweep ${st.sweepId} on queue ${st.queue}: ${Object.entries(st.counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
          for (const j of st.jobs) {
            const progress = j.state === 'active' && j.progress ? ` ${bar(j.progress.step, j.progress.total)}` : '';
            const who = j.state === 'active' && j.worker ? ` on ${j.worker}` : '';
            const err = j.error && j.state === 'failed' ? `  ${j.error.split('\n')[0]}` : '';
            console.log(`  ${j.state.padEnd(15)} ${(j.name || j.id.slice(0, 12)).padEnd(36)}${progress}${who}${j.runId ? ` run ${j.runId}` : ''}${err}`);
          }
        }
        const open = st.jobs.some((j) => ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'].includes(j.state));
        if (!every || !open) break;
        await new Promise((r) => setTimeout(r, every * 1000));
      }
    });
  sweep
    .command('report')
    .description("the HTML report of the sweep's finished runs (reports/<sweep id> by default)")
    .argument('<id>', 'sweep id')
    .option('--out <dir>', 'output folder')
    .action(async (id: string, opts: { out?: string }) => {
      const { sweepStatus } = await import('@kdlab/sweep');
      const { createTracker } = await import('@kdlab/tracking');
      const { buildReportFromStore } = await import('@kdlab/reports');
      const path = await import('path');
      const st = await sweepStatus(id);
      const open = st.jobs.filter((j) => !['completed', 'finished-before', 'failed'].includes(j.state));
      if (open.length) console.error(`note: ${open.length} of ${st.jobs.length} jobs have not ended; the report holds the finished runs`);
      const tracker = createTracker();
      for (const experiment of st.experiments) {
        const outDir = opts.out ?? path.join('reports', st.experiments.length > 1 ? `${id}-${experiment}` : id);
        await buildReportFromStore({ from: tracker.uri, experiment, outDir });
        console.log(`report: ${outDir}/index.html`);
      }
    });
}
