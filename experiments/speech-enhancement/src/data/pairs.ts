// Evaluation pairs (clean, noisy) of the VoiceBank-DEMAND manifests: clean/<name>.wav
// and noisy/<name>.wav under the dataset root, each file checked against the
// manifest's sha256 as it is read.
import * as path from 'path';
import { checkFile, datasetDir, loadManifest } from '@kdlab/data';
import { readWav } from '../audio/wav';
import * as fs from 'fs';

export interface SpeechPair {
  /** `<dataset>/<file name>`, e.g. 'vbd-test23/p232_002.wav'. */
  name: string;
  clean: Float32Array;
  noisy: Float32Array;
}

const cache = new Map<string, SpeechPair[]>();

/** Every pair of a manifest with clean/ and noisy/ folders, sorted by file name. */
export function loadSpeechPairs(dataset: string): SpeechPair[] {
  const hit = cache.get(dataset);
  if (hit) return hit;
  const manifest = loadManifest(dataset);
  const dir = datasetDir(manifest);
  const entries = new Map(manifest.files.map((f) => [f.path, f]));
  const names = manifest.files.filter((f) => f.path.startsWith('clean/')).map((f) => f.path.slice('clean/'.length)).sort();
  if (names.length === 0) throw new Error(`dataset ${dataset}: its manifest lists no clean/*.wav files`);
  const read = (rel: string) => {
    const entry = entries.get(rel);
    if (!entry) throw new Error(`dataset ${dataset}: ${rel} has no counterpart in the manifest (clean and noisy files pair by name)`);
    const file = path.join(dir, rel);
    checkFile(file, fs.readFileSync(file), entry, dataset);
    return readWav(file).samples;
  };
  const pairs = names.map((n) => {
    const clean = read(`clean/${n}`);
    const noisy = read(`noisy/${n}`);
    if (clean.length !== noisy.length) throw new Error(`dataset ${dataset}: ${n} has ${clean.length} clean and ${noisy.length} noisy samples`);
    return { name: `${dataset}/${n}`, clean, noisy };
  });
  cache.set(dataset, pairs);
  return pairs;
}
