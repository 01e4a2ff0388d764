// Normal-dose slices from the split manifests and their simulated low-dose counterparts. The
// simulation (libs/data/src/ct/lowdose.ts) runs once per slice and dose and is cached under
// `<repo>/.cache/ct-lowdose/` by a key that holds everything that determines it: the slice file's
// sha256, the pooling factor, every simulation parameter, the dose, the derived noise seed and
// the simulator version. A changed parameter is a new key, never a stale image.
import * as fs from 'fs';
import * as path from 'path';
import { bodyMask, checkFile, datasetDigest, decodeDicomSlice, loadManifest, manifestFiles, prepareSlice, repoRoot, sha256, simulateLowDose, writeFileAtomic } from '@kdlab/data';
import { progress } from '@kdlab/runner';
import type { SimulationParams } from './schema';

/** Bumped when the simulator's output for the same parameters changes. */
export const SIMULATOR_VERSION = 'ct-lowdose-v1';

export interface NdctSlice {
  /** Path relative to the manifest root, e.g. covid19-ny-sbu/A002304/axial/19001231-076.dcm. */
  name: string;
  patient: string;
  sha256: string;
  /** Pooled size (square) and pixel size in mm. */
  n: number;
  pixelMm: number;
  /** n x n HU, clipped to [-1000, 3071], air outside the field of view. */
  hu: Float32Array;
  /** The body (lungs included), for patch sampling. */
  body: Uint8Array;
}

/** `<repo>/.cache/ct-lowdose`, or KDLAB_CT_CACHE when set (tests point it at a temp dir). */
export function defaultCtCacheDir(): string {
  return process.env.KDLAB_CT_CACHE ? path.resolve(process.env.KDLAB_CT_CACHE) : path.join(repoRoot(), '.cache', 'ct-lowdose');
}

function patientOf(rel: string): string {
  const parts = rel.split('/');
  return parts[0] === 'covid19-ny-sbu' ? parts[1] : parts[0] === 'popi-itkelastix' ? 'POPI' : parts[0];
}

function readNamed(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

const sliceCache = new Map<string, NdctSlice[]>();

/** Every slice of a split manifest (sha256-checked as read), pooled by `downsample`. */
export function loadNdctSlices(dataset: string, downsample: number): NdctSlice[] {
  const key = `${dataset}@${downsample}`;
  const hit = sliceCache.get(key);
  if (hit) return hit;
  const manifest = loadManifest(dataset);
  const slices = manifestFiles(manifest).map(({ file, entry }) => {
    const bytes = readNamed(file);
    const digest = checkFile(file, bytes, entry, dataset);
    const raw = decodeDicomSlice(file, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (Math.abs(raw.pixelSpacing[0] - raw.pixelSpacing[1]) > 1e-6) throw new Error(`${file}: non-square pixels ${raw.pixelSpacing.join(' x ')} mm are not supported by the parallel-beam simulation`);
    const { hu, n, pixelMm } = prepareSlice(raw.hu, raw.rows, raw.columns, raw.pixelSpacing[0], downsample);
    return { name: entry.path, patient: patientOf(entry.path), sha256: digest, n, pixelMm, hu, body: bodyMask(hu, n) };
  });
  sliceCache.set(key, slices);
  return slices;
}

/** The noise seed of one slice at one dose: independent streams for every slice and dose. */
export function noiseSeed(sim: SimulationParams, sliceSha: string, dose: number): number {
  return (Math.imul(sim.seed + 1, 0x9e3779b1) ^ parseInt(sliceSha.slice(0, 8), 16) ^ Math.imul(Math.round(dose * 1e4), 0x85ebca6b)) >>> 0;
}

/** Everything that determines one simulated slice, in a fixed order. */
export function simulationRecord(slice: Pick<NdctSlice, 'sha256' | 'n' | 'pixelMm'>, downsample: number, sim: SimulationParams, dose: number) {
  return {
    simulator: SIMULATOR_VERSION,
    slice: slice.sha256,
    downsample,
    n: slice.n,
    pixelMm: slice.pixelMm,
    i0: sim.i0,
    dose,
    electronicNoise: sim.electronicNoise,
    views: sim.views,
    filter: sim.filter,
    muWater: sim.muWater,
    countFloor: sim.countFloor,
    seed: noiseSeed(sim, slice.sha256, dose),
    geometry: 'parallel-beam',
  };
}

export function simulationKey(record: ReturnType<typeof simulationRecord>): string {
  return sha256(Buffer.from(JSON.stringify(record)));
}

/** The simulated LDCT (HU) of a slice at a dose: read from the cache, or simulated and cached. */
export function lowDoseSlice(slice: NdctSlice, downsample: number, sim: SimulationParams, dose: number, cacheDir = defaultCtCacheDir()): { hu: Float32Array; key: string; cached: boolean } {
  const record = simulationRecord(slice, downsample, sim, dose);
  const key = simulationKey(record);
  const file = path.join(cacheDir, key.slice(0, 2), `${key}.f32`);
  if (fs.existsSync(file)) {
    const bytes = fs.readFileSync(file);
    if (bytes.length === slice.n * slice.n * 4) return { hu: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)), key, cached: true };
  }
  const hu = simulateLowDose(slice.hu, slice.n, slice.pixelMm, { ...sim, dose, seed: record.seed });
  writeFileAtomic(file, new Uint8Array(hu.buffer, hu.byteOffset, hu.byteLength));
  writeFileAtomic(file.replace(/\.f32$/, '.json'), `${JSON.stringify({ key, name: slice.name, ...record }, null, 1)}\n`);
  return { hu, key, cached: false };
}

export interface SimulatedSet {
  slices: NdctSlice[];
  /** dose -> per-slice LDCT (HU), in slice order. */
  ldct: Map<number, Float32Array[]>;
  /** sha256 over the cache keys (dataset, doses, parameters): the simulation's provenance. */
  digest: string;
  simulated: number;
}

/** A manifest's slices with their LDCT at every dose; shows progress while simulating. */
export function simulateSet(dataset: string, downsample: number, sim: SimulationParams, doses: number[], cacheDir = defaultCtCacheDir()): SimulatedSet {
  const slices = loadNdctSlices(dataset, downsample);
  const ldct = new Map<number, Float32Array[]>();
  const keys: string[] = [];
  let simulated = 0;
  const bar = progress(`simulate ${dataset} LDCT`, slices.length * doses.length, { unit: 'slice' });
  for (const dose of doses) {
    ldct.set(dose, slices.map((s) => {
      const r = lowDoseSlice(s, downsample, sim, dose, cacheDir);
      keys.push(r.key);
      if (!r.cached) simulated++;
      bar.tick(1);
      return r.hu;
    }));
  }
  bar.stop();
  return { slices, ldct, digest: sha256(Buffer.from(`${datasetDigest(loadManifest(dataset))}\n${keys.join('\n')}`)), simulated };
}
