// Every metric on the 29 real evaluation pairs (vbd-test23 + vbd-sample), noisy and
// half-noise estimates, against golden/metrics.json: values from the reference
// implementations (pesq, pystoi, pysepm-evo) and the direct SI-SDR formula, written by
// golden/gen_metrics.py. PESQ itself runs live through the worker in the project venv.
import * as fs from 'fs';
import * as path from 'path';
import { loadSpeechPairs, type SpeechPair } from '../data/pairs';
import { composite, llr, wss } from './composite';
import { PesqWorker } from './pesq';
import { siSdr } from './sisdr';
import { segmentalSnr } from './ssnr';
import { stoi } from './stoi';

type Golden = Record<'pesq_wb' | 'pesq_nb' | 'stoi' | 'estoi' | 'llr' | 'wss' | 'ssnr' | 'csig' | 'cbak' | 'covl' | 'si_sdr', number>;
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'golden', 'metrics.json'), 'utf8')) as {
  pairs: { dataset: string; name: string; noisy: Golden; half_noise: Golden }[];
};

const pairs: SpeechPair[] = [...loadSpeechPairs('vbd-test23'), ...loadSpeechPairs('vbd-sample')];
const cases = pairs.flatMap((p) => {
  const g = golden.pairs.find((x) => `${x.dataset}/${x.name}` === p.name);
  if (!g) throw new Error(`golden/metrics.json has no entry for ${p.name}`);
  const noisy = { label: `${p.name} noisy`, ref: p.clean, est: Float64Array.from(p.noisy), want: g.noisy };
  // The milder degradation on the 6 vbd-sample pairs keeps the suite short; the generator has all 29.
  if (!p.name.startsWith('vbd-sample/')) return [noisy];
  const half = Float64Array.from(p.clean, (c, i) => c + 0.5 * (p.noisy[i] - c));
  return [noisy, { label: `${p.name} half noise`, ref: p.clean, est: half, want: g.half_noise }];
});

describe('speech metrics on the 29 real pairs', () => {
  it('reads all 29 pairs', () => {
    expect(pairs).toHaveLength(29);
    expect(golden.pairs).toHaveLength(29);
  });

  it('STOI and ESTOI agree with pystoi within 1e-3 on every pair', () => {
    for (const c of cases) {
      expect(Math.abs(stoi(c.ref, c.est, 16000, false) - c.want.stoi)).toBeLessThan(1e-3);
      expect(Math.abs(stoi(c.ref, c.est, 16000, true) - c.want.estoi)).toBeLessThan(1e-3);
    }
  });

  it('SI-SDR, segmental SNR, LLR and WSS agree with the references', () => {
    for (const c of cases) {
      expect(Math.abs(siSdr(c.ref, c.est) - c.want.si_sdr)).toBeLessThan(1e-3);
      expect(Math.abs(segmentalSnr(c.ref, c.est, 16000) - c.want.ssnr)).toBeLessThan(1e-3);
      expect(Math.abs(llr(c.ref, c.est, 16000) - c.want.llr)).toBeLessThan(1e-3);
      expect(Math.abs(wss(c.ref, c.est, 16000) - c.want.wss)).toBeLessThan(1e-2);
    }
  });

  it('PESQ (worker, ITU code) and CSIG/CBAK/COVL agree with the references on every pair', async () => {
    const worker = new PesqWorker();
    try {
      const noisyWb: number[] = [];
      for (const c of cases) {
        const est = Float32Array.from(c.est);
        const [wb, nb] = await Promise.all([worker.score(c.ref, est, 16000, 'wb', c.label), worker.score(c.ref, est, 16000, 'nb', c.label)]);
        const comp = composite(c.ref, c.est, 16000, wb);
        const got = { pesq_wb: wb, pesq_nb: nb, csig: comp.csig, cbak: comp.cbak, covl: comp.covl };
        for (const [k, v] of Object.entries(got)) {
          if (!(Math.abs(v - c.want[k as keyof Golden]) < 5e-3)) throw new Error(`${c.label} ${k}: ${v} vs reference ${c.want[k as keyof Golden]}`);
        }
        if (c.label.endsWith('noisy')) noisyWb.push(wb);
      }
      expect(noisyWb).toHaveLength(29);
    } finally {
      await worker.close();
    }
  }, 600000);

  it('PESQ errors name the pair and the worker keeps serving', async () => {
    const worker = new PesqWorker();
    try {
      const silent = new Float32Array(16000);
      await expect(worker.score(silent, silent, 16000, 'wb', 'silence.wav')).rejects.toThrow(/PESQ of silence.wav: .*/);
      await expect(worker.score(pairs[0].clean, pairs[0].clean.subarray(1), 16000, 'wb', 'cut.wav')).rejects.toThrow(/cut.wav.*samples/);
      const v = await worker.score(pairs[0].clean, pairs[0].noisy, 16000, 'wb', pairs[0].name);
      expect(Math.abs(v - golden.pairs[0].noisy.pesq_wb)).toBeLessThan(1e-4);
    } finally {
      await worker.close();
    }
  });
});
