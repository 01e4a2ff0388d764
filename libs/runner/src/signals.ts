// SIGINT/SIGTERM during a run: remember the signal so the loop can checkpoint
// at the next step boundary and mark the run KILLED. A second Ctrl-C exits at once.
export class StopSignals {
  private signal: string | undefined;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();

  install(): this {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const handler = () => {
        if (this.signal === 'SIGINT' && sig === 'SIGINT') {
          process.stderr.write('\nsecond Ctrl-C: exiting without a checkpoint\n');
          process.exit(130);
        }
        this.signal = sig;
        process.stderr.write(`\n${sig}: stopping after this step (checkpoint, run marked KILLED)\n`);
      };
      this.handlers.set(sig, handler);
      process.on(sig, handler);
    }
    return this;
  }

  requested(): string | undefined {
    return this.signal;
  }

  uninstall(): void {
    for (const [sig, handler] of this.handlers) process.off(sig, handler);
    this.handlers.clear();
  }
}

export function exitCodeFor(signal: string): number {
  return signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1;
}
