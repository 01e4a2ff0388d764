// Writes the EEG dataset manifests: datasets/eegmmidb-S001.json from the files on this machine
// (every file of the subject's folder, with its sha256 as stored), and the declarations of the
// data the paper profile names but this machine lacks (the full EEGMMIDB, BCI Competition IV 2a).
// Usage: npx tsx experiments/eeg/tools/write-manifests.ts
import * as fs from 'fs';
import * as path from 'path';
import { dataPath, repoRoot, sha256, writeFileAtomic, type DatasetManifest } from '@kdlab/data';

function write(m: DatasetManifest): void {
  const out = path.join(repoRoot(), 'datasets', `${m.name}.json`);
  writeFileAtomic(out, JSON.stringify(m, null, 2) + '\n');
  console.log(`${out}: ${m.files.length} files`);
}

const eegmmidbCitation =
  'G. Schalk, D. J. McFarland, T. Hinterberger, N. Birbaumer, J. R. Wolpaw. BCI2000: A General-Purpose Brain-Computer Interface (BCI) System. IEEE Trans. Biomed. Eng. 51(6):1034-1043, 2004; A. L. Goldberger et al. PhysioBank, PhysioToolkit, and PhysioNet. Circulation 101(23):e215-e220, 2000.';

const root = 'eeg/eegmmidb/S001';
const dir = dataPath(root);
const files = fs.readdirSync(dir).sort().map((f) => {
  const bytes = fs.readFileSync(path.join(dir, f));
  return { path: f, sha256: sha256(bytes), bytes: bytes.length };
});
write({
  name: 'eegmmidb-S001',
  description: 'EEG Motor Movement/Imagery Database, subject S001: runs R01-R14 (EDF+, 64 EEG channels of the 10-10 system at 160 Hz, T0/T1/T2 annotations) and their .event files',
  task: 'eeg-mi',
  split: 'all (within-subject cross-run folds: experiments/eeg/src/data/folds.ts)',
  root,
  license: 'Open Data Commons Attribution License v1.0 (PhysioNet)',
  source: {
    url: 'https://github.com/Quixotte/bci_practical_heyni_boorn_janssen',
    note: 'copy at commit 72dd3be0 of the PhysioNet files; original: https://physionet.org/content/eegmmidb/1.0.0/S001/',
  },
  citation: eegmmidbCitation,
  files,
  notes: [
    'The checksums are of the files as stored here. The copy went through a text-mode line-ending conversion: in every .edf file each LF byte (0x0A) has a CR (0x0D) in front of it. kdlab\'s EDF reader detects this and undoes it (CRLF -> LF) when the repaired size equals what the header announces: exact for R03-R14.',
    'R01 and R02 (eyes-open/closed baselines) were also cut back to their original size after the conversion, so their last of 61 one-second records is incomplete: unreadable (and unused: the task reads only the imagery runs R04, R06, R08, R10, R12, R14).',
    'Runs: R04/R08/R12 imagine left (T1) or right (T2) fist; R06/R10/R14 imagine both fists (T1) or both feet (T2); T0 rest.',
  ],
});

write({
  name: 'eegmmidb',
  description: 'EEG Motor Movement/Imagery Database, all 109 subjects x 14 runs (EDF+, 64 channels, 160 Hz): the cross-subject protocols of the paper profile',
  task: 'eeg-mi',
  split: 'all',
  root: 'eeg/eegmmidb',
  license: 'Open Data Commons Attribution License v1.0 (PhysioNet)',
  source: { url: 'https://physionet.org/content/eegmmidb/1.0.0/', note: 'S001 ... S109, each with S<nnn>R01.edf ... S<nnn>R14.edf' },
  citation: eegmmidbCitation,
  files: [],
  filesNote: 'not on the machine that wrote this manifest (only S001 is: eegmmidb-S001); users who have it place it under <data root>/eeg/eegmmidb/S<nnn>/',
  notes: ['Subjects 88, 92, 100 and 104 have a different sampling rate or trial timing in the original release and are usually left out of cross-subject protocols.'],
});

write({
  name: 'bci-iv-2a',
  description: 'BCI Competition IV dataset 2a: 9 subjects, 4-class motor imagery (left hand, right hand, feet, tongue), 22 EEG + 3 EOG channels at 250 Hz, two sessions of 288 trials (GDF)',
  task: 'eeg-mi',
  split: 'session T (train) / session E (evaluation)',
  root: 'eeg/bci-iv-2a',
  license: 'BCI Competition IV terms (research use; cite the data description)',
  source: { url: 'https://www.bbci.de/competition/iv/', note: 'A01T.gdf ... A09E.gdf and the true labels of the evaluation sessions' },
  citation: 'C. Brunner, R. Leeb, G. R. Mueller-Putz, A. Schloegl, G. Pfurtscheller. BCI Competition 2008 - Graz data set A. 2008.',
  files: [],
  filesNote: 'not on the machine that wrote this manifest; kdlab has no GDF reader yet (EDF/EDF+ only)',
});
