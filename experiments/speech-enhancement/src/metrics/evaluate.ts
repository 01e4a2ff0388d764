// Every metric of one (clean, estimate) pair, and the mean over a set, as the
// speech-enhancement field reports them on VoiceBank-DEMAND.
import { compositeFrom, llr, wss } from './composite';
import { segmentalSnr } from './ssnr';
import { PesqWorker } from './pesq';
import { siSdr } from './sisdr';
import { stoi } from './stoi';

export const SPEECH_METRICS = ['pesq_wb', 'pesq_nb', 'stoi', 'estoi', 'si_sdr', 'ssnr', 'csig', 'cbak', 'covl'] as const;
export type SpeechMetric = (typeof SPEECH_METRICS)[number];
export type SpeechScores = Record<SpeechMetric, number>;

/** The convention, for the README, reports and the run tag kdlab.metric_convention. */
export const SPEECH_CONVENTION =
  '16 kHz mono; PESQ = ITU-T P.862.2 wide band (pesq_wb) and P.862 narrow band MOS-LQO (pesq_nb) from the ITU reference code (PyPI pesq 0.0.4); ' +
  'STOI/ESTOI as pystoi 0.4.1 (10 kHz, 40 dB silent-frame removal); SI-SDR in dB on zero-mean signals; segmental SNR (30 ms Hann, 75 % overlap, clipped to [-10, 35] dB); ' +
  'CSIG/CBAK/COVL = Hu & Loizou 2008 composite regressions on LLR, WSS, segSNR and wide-band PESQ (the SEGAN/MANNER evaluation code); per-file scores, dataset score = mean over files; ' +
  'estimate and reference of equal length, no level alignment or resampling';

export interface PairScores extends SpeechScores {
  name: string;
}

/**
 * Scores one pair; `label` names it in errors. PESQ runs in `worker` (one per evaluation),
 * in parallel with the native metrics computed here meanwhile.
 */
export async function scorePair(ref: Float32Array, est: Float32Array, rate: number, worker: PesqWorker, label: string): Promise<SpeechScores> {
  if (ref.length !== est.length) throw new Error(`${label}: reference has ${ref.length} samples, estimate ${est.length}; they must have the same length`);
  const pesq = worker.request(ref, est, rate, ['wb', 'nb'], label);
  await pesq.sent;
  const native = {
    stoi: stoi(ref, est, rate, false),
    estoi: stoi(ref, est, rate, true),
    si_sdr: siSdr(ref, est),
    llr: llr(ref, est, rate),
    wss: wss(ref, est, rate),
    ssnr: segmentalSnr(ref, est, rate),
  };
  const { wb, nb } = await pesq.result;
  const c = compositeFrom(native.llr, native.wss, native.ssnr, wb!);
  return { pesq_wb: wb!, pesq_nb: nb!, stoi: native.stoi, estoi: native.estoi, si_sdr: native.si_sdr, ssnr: native.ssnr, csig: c.csig, cbak: c.cbak, covl: c.covl };
}

export function meanScores(rows: SpeechScores[]): SpeechScores {
  const mean = {} as SpeechScores;
  for (const k of SPEECH_METRICS) mean[k] = rows.reduce((a, r) => a + r[k], 0) / rows.length;
  return mean;
}
