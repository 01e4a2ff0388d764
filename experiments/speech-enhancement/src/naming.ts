// Keys of speech evaluation results, in the reports convention (libs/reports/README.md).
export const speechMetricKey = (set: string, metric: string) => `eval/${set}/${metric}`;
/** Per-file results artifact (under the run's `eval/`). */
export const speechPerFileName = (set: string) => `${set}.json`;
/** The example pair's waveforms (clean, noisy, enhanced) for the report's spectrogram. */
export const EXAMPLE_FILE = 'example.json';
