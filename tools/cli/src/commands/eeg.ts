// `kdlab eeg inspect --edf FILE [--json]`: what an EDF/EDF+ recording holds, read with kdlab's own
// reader (@kdlab/data): channels (labels as in the file, trailing dots and spaces removed),
// sampling rate, length, EDF+ annotations and the first 8 samples of each channel in µV.
import type { Command } from 'commander';

export function register(program: Command): void {
  const eeg = program.command('eeg').description('EEG tools (EDF/EDF+ recordings)');
  eeg
    .command('inspect')
    .description('channels, sampling rate, length, annotations and the first samples (µV) of an EDF/EDF+ file')
    .requiredOption('--edf <file>', 'an EDF or EDF+ file')
    .option('--json', 'print exactly one JSON object {"channels","sfreq","nSamples","durationS","annotations":[{"onset","duration","description"}],"head":{"<label>":[8 samples in µV]}}')
    .action(async (opts: { edf: string; json?: boolean }) => {
      const { summariseEdf } = await import('@kdlab/data');
      const s = summariseEdf(opts.edf, { warn: (line) => process.stderr.write(`warning: ${line}\n`) });
      if (opts.json) {
        console.log(JSON.stringify(s));
        return;
      }
      const rate = Array.isArray(s.sfreq) ? s.sfreq.join(', ') : String(s.sfreq);
      console.log(`${opts.edf}`);
      console.log(`  ${s.channels.length} channels at ${rate} Hz, ${JSON.stringify(s.nSamples)} samples, ${s.durationS} s`);
      console.log(`  channels: ${s.channels.join(' ')}`);
      const counts = new Map<string, number>();
      for (const a of s.annotations) counts.set(a.description, (counts.get(a.description) ?? 0) + 1);
      console.log(`  annotations: ${s.annotations.length} (${[...counts].map(([d, n]) => `${d} x${n}`).join(', ')})`);
      for (const a of s.annotations.slice(0, 10)) console.log(`    ${a.onset.toFixed(3).padStart(9)} s  ${a.duration === null ? '      -' : `${a.duration.toFixed(3).padStart(7)}`} s  ${a.description}`);
      if (s.annotations.length > 10) console.log(`    ... (${s.annotations.length - 10} more; --json prints all)`);
      console.log('  first samples (µV):');
      for (const [label, v] of Object.entries(s.head).slice(0, 8)) console.log(`    ${label.padEnd(5)} ${v.map((x) => x.toFixed(2)).join(' ')}`);
      if (s.channels.length > 8) console.log(`    ... (${s.channels.length - 8} more channels; --json prints all)`);
    });
}
