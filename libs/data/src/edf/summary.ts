// What `kdlab eeg inspect` prints: the channels (labels as in the file, trailing dots and spaces
// removed), the sampling rate, the length, the annotations and the first samples of each channel
// in µV. Kept here (not in the CLI) so the comparison test checks the very function the CLI calls.
import { cleanLabel, readEdf } from './read';

export interface EdfSummary {
  channels: string[];
  /** Samples per second of the ordinary signals (one number when they share it, else one per channel). */
  sfreq: number | number[];
  /** Samples per channel (one number when the channels share it, else one per channel). */
  nSamples: number | number[];
  /** records * record duration, in seconds. */
  durationS: number;
  annotations: { onset: number; duration: number | null; description: string }[];
  /** The first `headSamples` samples of each channel in µV, by cleaned label. */
  head: Record<string, number[]>;
}

export interface SummariseOptions {
  headSamples?: number;
  /** Called with a warning line (e.g. a repaired line-ending conversion). */
  warn?: (line: string) => void;
}

const oneOrEach = (values: number[]): number | number[] => (values.every((v) => v === values[0]) ? values[0] : values);

export function summariseEdf(file: string, opts: SummariseOptions = {}): EdfSummary {
  const headSamples = opts.headSamples ?? 8;
  const edf = readEdf(file);
  if (edf.repaired) opts.warn?.(`${file}: an LF -> CRLF line-ending conversion had corrupted this file; undone on reading (the repaired size matches the header exactly)`);
  const ordinary = edf.signals.map((s, i) => ({ s, i })).filter(({ s }) => !s.isAnnotation);
  const channels = ordinary.map(({ s }) => cleanLabel(s.label));
  const head: Record<string, number[]> = {};
  ordinary.forEach(({ i }, k) => {
    if (channels[k] in head) throw new Error(`${file}: label ${JSON.stringify(channels[k])} appears twice (signals are keyed by label)`);
    head[channels[k]] = Array.from(edf.microvolts(i).subarray(0, headSamples));
  });
  return {
    channels,
    sfreq: oneOrEach(ordinary.map(({ s }) => s.sampleRate)),
    nSamples: oneOrEach(ordinary.map(({ s }) => s.samplesPerRecord * edf.header.records)),
    durationS: edf.header.records * edf.header.recordDuration,
    annotations: edf.annotations.map((a) => ({ onset: a.onset, duration: a.duration, description: a.description })),
    head,
  };
}
