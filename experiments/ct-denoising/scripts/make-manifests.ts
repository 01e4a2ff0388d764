// Writes the CT denoising split manifests datasets/ct-train.json, ct-val.json, ct-test.json: every
// axial DICOM slice of ct/popi-itkelastix and ct/covid19-ny-sbu with its sha256, split BY PATIENT
// (never by slice). Rule: the POPI patient trains; the 10 COVID-19-NY-SBU patients, sorted and
// shuffled with Rng(13), give 4 test patients, 1 validation patient (carved from the training
// patients, for choices made on validation data) and 5 training patients.
// Coronal/sagittal reformats (and A072894's two top-level coronal files) are left out: projecting a
// reformatted plane is not a CT acquisition.
// Usage: npx tsx experiments/ct-denoising/scripts/make-manifests.ts
import * as fs from 'fs';
import * as path from 'path';
import { Rng } from '@kdlab/engine';
import { dataRoot, isAxial, readDicomSlice, repoRoot, sha256, writeFileAtomic, type DatasetManifest } from '@kdlab/data';

const ROOT = 'ct';
const POPI = 'popi-itkelastix';
const COVID = 'covid19-ny-sbu';

function list(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.dcm')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

const base = path.join(dataRoot(), ROOT);
const patients = new Map<string, string[]>();
patients.set('POPI', list(path.join(base, POPI)).map((f) => `${POPI}/${f}`));
for (const p of fs.readdirSync(path.join(base, COVID)).sort()) {
  patients.set(p, list(path.join(base, COVID, p, 'axial')).map((f) => `${COVID}/${p}/axial/${f}`));
}
for (const [p, files] of patients) {
  for (const f of files) if (!isAxial(readDicomSlice(path.join(base, f)))) throw new Error(`${f} (patient ${p}) is not axial`);
}
const covid = [...patients.keys()].filter((p) => p !== 'POPI').sort();
new Rng(13).shuffle(covid);
const split: Record<'train' | 'val' | 'test', string[]> = { test: covid.slice(0, 4), val: covid.slice(4, 5), train: ['POPI', ...covid.slice(5)] };

const citations = 'POPI: J. Vandemeulebroucke, D. Sarrut, P. Clarysse, "The POPI-model, a point-validated pixel-based breathing thorax model", ICCR 2007 (slices via InsightSoftwareConsortium/ITKElastix at 787db6d1, examples/data/00). COVID-19-NY-SBU: J. Saltz et al., Stony Brook University COVID-19 Positive Cases, The Cancer Imaging Archive, 2021 (CC BY 4.0; slices via SaltyJoke/Image-Registration at 63090abd, data-sample).';
for (const [part, ids] of Object.entries(split)) {
  const files = ids.flatMap((p) => patients.get(p)!).map((rel) => {
    const bytes = fs.readFileSync(path.join(base, rel));
    return { path: rel, sha256: sha256(bytes), bytes: bytes.length };
  });
  const manifest: DatasetManifest = {
    name: `ct-${part}`,
    description: `CT denoising ${part} split (by patient): ${ids.length} patient(s), ${files.length} axial normal-dose DICOM slices; low-dose counterparts are simulated (experiments/ct-denoising)`,
    task: 'ct-denoise',
    split: part,
    root: ROOT,
    license: 'POPI via ITKElastix: Apache-2.0 (repository), cite POPI; COVID-19-NY-SBU: CC BY 4.0 (TCIA)',
    source: { url: 'see ../shared/datasets/README.md (ct/popi-itkelastix, ct/covid19-ny-sbu)', note: 'files copied unchanged from the public sources named in the citation' },
    citation: citations,
    files,
    notes: [
      `patients: ${ids.join(', ')}`,
      'split by patient with experiments/ct-denoising/scripts/make-manifests.ts (POPI trains; COVID-19-NY-SBU patients shuffled with Rng(13): 4 test, 1 validation, 5 train)',
      'axial slices only: coronal/sagittal reformats are not CT acquisitions and cannot be re-projected',
    ],
  };
  writeFileAtomic(path.join(repoRoot(), 'datasets', `ct-${part}.json`), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`ct-${part}: ${ids.join(', ')} (${files.length} slices)`);
}
