// Runs work inside a tracked run and ends the run with the right status:
// FINISHED when the work returns, FAILED when it throws, KILLED on SIGINT or
// SIGTERM. Buffered data is flushed first in every case.
import type { MlflowTracker, RunRecorder, RunSummary, StartRunOptions } from './tracker';

export interface WithRunOptions extends StartRunOptions {
  /** After a signal ends the run, exit the process as the signal would (default true). */
  exitOnSignal?: boolean;
  /** Signals that mark the run KILLED (default SIGINT and SIGTERM). */
  signals?: NodeJS.Signals[];
}

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export async function withRun<T>(tracker: MlflowTracker, opts: WithRunOptions, work: (run: RunRecorder) => Promise<T> | T): Promise<{ result: T; summary: RunSummary }> {
  const run = await tracker.startRun(opts);
  const signals = opts.signals ?? ['SIGINT', 'SIGTERM'];
  const handlers = new Map<NodeJS.Signals, () => void>();
  const detach = () => {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
    handlers.clear();
  };
  for (const sig of signals) {
    const h = () => {
      detach();
      tracker.warn(`${sig}: ending run ${run.runName} as KILLED`);
      void run.end('KILLED').finally(() => {
        if (opts.exitOnSignal ?? true) process.exit(SIGNAL_EXIT[sig] ?? 1);
      });
    };
    handlers.set(sig, h);
    process.on(sig, h);
  }
  try {
    const result = await work(run);
    detach();
    const summary = await run.end('FINISHED');
    return { result, summary };
  } catch (err) {
    detach();
    try {
      run.setTag('kdlab.error', String((err as Error)?.message ?? err).slice(0, 8000));
    } catch {
      /* the run may already have ended */
    }
    await run.end('FAILED');
    throw err;
  }
}
