// `kdlab worker`: runs sweep jobs from the Redis queue (REDIS_URL) until stopped; SIGTERM or Ctrl-C
// checkpoints the running job at its next step, hands it back to the queue and exits.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('worker')
    .description('take sweep jobs from the queue and run them (any number of workers, on any machine)')
    .option('--concurrency <n>', 'jobs at once (default 1: one training run uses the cores)', '1')
    .option('--queue <name>', 'queue name', 'kdlab')
    .option('--runs-dir <dir>', 'local root of run dirs (default <repo>/runs)')
    .option('--cache-dir <dir>', 'local cache of trained teachers (default <repo>/.cache)')
    .option('--lock-seconds <s>', "a dead worker's job is taken over after about this long", '30')
    .action(async (opts: { concurrency: string; queue: string; runsDir?: string; cacheDir?: string; lockSeconds: string }) => {
      const { startWorker } = await import('@kdlab/sweep');
      const { stopped } = startWorker({ queue: opts.queue, concurrency: Number(opts.concurrency), runsDir: opts.runsDir, cacheDir: opts.cacheDir, lockMs: Number(opts.lockSeconds) * 1000 });
      await stopped;
      process.exit(0);
    });
}
