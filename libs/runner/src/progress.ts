// Progress for long work: a bar with rate and ETA on a terminal, plain lines
// (at most one every few seconds) when output is a pipe or CI, so logs stay readable.
import { SingleBar } from 'cli-progress';

export interface Progress {
  /** Advance by `n` units and show the latest values (e.g. {loss: 0.02}). */
  tick(n?: number, values?: Record<string, number | string>): void;
  stop(): void;
}

function fmt(values: Record<string, number | string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2)) : v}`)
    .join(' ');
}

function eta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

export function progress(label: string, total: number, opts: { unit?: string; stream?: NodeJS.WriteStream; plainEverySec?: number } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const unit = opts.unit ?? 'it';
  const interactive = Boolean(stream.isTTY) && !process.env.CI;
  const started = Date.now();
  let done = 0;
  let values: Record<string, number | string> = {};
  if (interactive) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {value}/{total} {percentage}% | {rate} ${unit}/s | ETA {eta_formatted} | {extra}`,
      stream,
      hideCursor: true,
      etaBuffer: 50,
    });
    bar.start(total, 0, { rate: '0', extra: '' });
    return {
      tick(n = 1, v) {
        done += n;
        if (v) values = v;
        const rate = done / Math.max(1e-3, (Date.now() - started) / 1000);
        bar.update(done, { rate: rate.toFixed(2), extra: fmt(values) });
      },
      stop: () => bar.stop(),
    };
  }
  const every = (opts.plainEverySec ?? 10) * 1000;
  let lastPrint = 0;
  const line = () => {
    const secs = (Date.now() - started) / 1000;
    const rate = done / Math.max(1e-3, secs);
    stream.write(`${label} ${done}/${total} (${((100 * done) / Math.max(1, total)).toFixed(0)}%) ${rate.toFixed(2)} ${unit}/s ETA ${eta((total - done) / rate)} ${fmt(values)}\n`);
  };
  return {
    tick(n = 1, v) {
      done += n;
      if (v) values = v;
      const now = Date.now();
      if (now - lastPrint >= every || done >= total) {
        lastPrint = now;
        line();
      }
    },
    stop() {
      if (done < total) line();
    },
  };
}
