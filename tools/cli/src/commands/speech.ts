// `kdlab speech metrics --ref FILE_OR_DIR --est FILE_OR_DIR [--json]`: every speech-enhancement
// metric (PESQ wide/narrow band, STOI, ESTOI, SI-SDR, segmental SNR, CSIG/CBAK/COVL) of
// enhanced WAV files against clean references, paired by file name (see
// experiments/speech-enhancement/README.md for the convention). PESQ runs the ITU reference
// code through the project venv's `pesq` worker.
import * as path from 'path';
import type { Command } from 'commander';

interface SpeechMetricsOptions { ref: string; est: string; json?: boolean }

export function register(program: Command): void {
  const speech = program.command('speech').description('speech enhancement tools');
  speech
    .command('metrics')
    .description('PESQ (wb, nb), STOI, ESTOI, SI-SDR, segmental SNR and CSIG/CBAK/COVL of enhanced 16 kHz mono WAVs against clean ones; folders pair files by name')
    .requiredOption('--ref <file|dir>', 'clean reference WAV, or a folder of them')
    .requiredOption('--est <file|dir>', 'enhanced WAV, or a folder with files of the same names')
    .option('--json', 'print exactly one JSON object {"files":[{"name","pesq_wb","pesq_nb","stoi","estoi","si_sdr","ssnr","csig","cbak","covl"}],"mean":{...}}')
    .action(async (opts: SpeechMetricsOptions) => {
      const se = await import('@kdlab/speech-enhancement');
      const fs = await import('fs');
      const refFiles = se.listWavs(path.resolve(opts.ref));
      const estFiles = se.listWavs(path.resolve(opts.est));
      let pairs: { name: string; ref: string; est: string }[];
      if (!fs.statSync(path.resolve(opts.ref)).isDirectory() && !fs.statSync(path.resolve(opts.est)).isDirectory()) {
        pairs = [{ name: path.basename(estFiles[0]), ref: refFiles[0], est: estFiles[0] }];
      } else {
        const byName = new Map(estFiles.map((f) => [path.basename(f), f]));
        const missing = refFiles.map((f) => path.basename(f)).filter((n) => !byName.has(n));
        const extra = [...byName.keys()].filter((n) => !refFiles.some((f) => path.basename(f) === n));
        if (missing.length || extra.length) {
          throw new Error(`files do not pair by name: ${missing.length ? `no estimate for ${missing.join(', ')} (in ${opts.est})` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `no reference for ${extra.join(', ')} (in ${opts.ref})` : ''}`);
        }
        pairs = refFiles.map((f) => ({ name: path.basename(f), ref: f, est: byName.get(path.basename(f))! }));
      }
      const worker = new se.PesqWorker();
      const files: ({ name: string } & Record<string, number | string>)[] = [];
      try {
        for (const p of pairs) {
          const label = `pair ${p.name} (${p.ref} vs ${p.est})`;
          const ref = se.readWav(p.ref, { rate: null });
          const est = se.readWav(p.est, { rate: null });
          if (ref.sampleRate !== est.sampleRate) throw new Error(`${label}: sample rates differ (${ref.sampleRate} Hz vs ${est.sampleRate} Hz)`);
          if (ref.sampleRate !== se.SPEECH_RATE) throw new Error(`${label}: ${ref.sampleRate} Hz; the speech metrics here are defined at ${se.SPEECH_RATE} Hz (resample first)`);
          if (ref.samples.length !== est.samples.length) throw new Error(`${label}: lengths differ (${ref.samples.length} vs ${est.samples.length} samples)`);
          files.push({ name: p.name, ...(await se.scorePair(ref.samples, est.samples, ref.sampleRate, worker, label)) });
          if (!opts.json) process.stderr.write(`scored ${files.length}/${pairs.length} ${p.name}\n`);
        }
      } finally {
        await worker.close();
      }
      const mean = se.meanScores(files as unknown as import('@kdlab/speech-enhancement').SpeechScores[]);
      if (opts.json) {
        console.log(JSON.stringify({ files: files.map((f) => ({ name: f.name, ...Object.fromEntries(se.SPEECH_METRICS.map((k) => [k, f[k]])) })), mean }));
        return;
      }
      const width = Math.max(4, ...files.map((f) => f.name.length));
      const head = ['PESQ-WB', 'PESQ-NB', 'STOI', 'ESTOI', 'SI-SDR', 'SSNR', 'CSIG', 'CBAK', 'COVL'];
      console.log(`${'name'.padEnd(width)}  ${head.map((h) => h.padStart(7)).join(' ')}`);
      const line = (name: string, r: Record<string, number | string>) => `${name.padEnd(width)}  ${se.SPEECH_METRICS.map((k) => (r[k] as number).toFixed(k.includes('stoi') ? 4 : 3).padStart(7)).join(' ')}`;
      for (const f of files) console.log(line(f.name, f));
      console.log(line('mean', mean));
    });
}
