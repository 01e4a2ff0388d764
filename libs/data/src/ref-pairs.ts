// Real two-view pairs for reference-based SR: the example data of Debian's opencv-doc
// (datasets/opencv-doc-pairs.json), read in place from the installed package or from the copy
// tools/provision/opencv-doc.sh unpacks into .cache. Each file is checked against the manifest.
import * as fs from 'fs';
import * as path from 'path';
import { decodeImage } from './codec';
import { type Image } from './image';
import { loadManifest, type ManifestFile } from './manifest';
import { repoRoot } from './root';
import { checkFile, readFileNamed } from './verify';

const MANIFEST = 'opencv-doc-pairs';
const PACKAGE_DATA = 'usr/share/doc/opencv-doc/examples/data';

/** Input view, reference view and (graf only) the file of the ground-truth homography input → reference. */
export const REF_PAIRS = {
  aloe: { input: 'aloeL.jpg', reference: 'aloeR.jpg' },
  graf: { input: 'graf1.png', reference: 'graf3.png', homography: 'H1to3p.xml' },
  leuven: { input: 'leuvenA.jpg', reference: 'leuvenB.jpg' },
  rubberwhale: { input: 'rubberwhale1.png', reference: 'rubberwhale2.png' },
  basketball: { input: 'basketball1.png', reference: 'basketball2.png' },
  suzanne: { input: 'Blender_Suzanne1.jpg', reference: 'Blender_Suzanne2.jpg' },
  aero: { input: 'aero1.jpg', reference: 'aero3.jpg' },
  box: { input: 'box.png', reference: 'box_in_scene.png' },
} as const satisfies Record<string, { input: string; reference: string; homography?: string }>;

export type RefPairName = keyof typeof REF_PAIRS;

/** A 3×3 homography, row-major, mapping (x, y, 1) of the input view to the reference view (pixels, 0-based). */
export type Homography = readonly number[];

export interface RefPair {
  name: RefPairName;
  input: Image;
  reference: Image;
  inputFile: string;
  referenceFile: string;
  /** Ground truth input → reference, when the pair has one (graf). */
  homography?: Homography;
}

/** Where opencv-doc's example data is: KDLAB_OPENCV_DOC_DIR, the installed package, or the .cache copy. */
export function opencvDocDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.KDLAB_OPENCV_DOC_DIR;
  if (configured) {
    if (!fs.existsSync(configured)) throw new Error(`KDLAB_OPENCV_DOC_DIR=${configured}: no such directory`);
    return path.resolve(configured);
  }
  const candidates = [path.join('/', PACKAGE_DATA), path.join(repoRoot(), '.cache', 'opencv-doc', 'root', PACKAGE_DATA)];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'graf1.png')));
  if (!found) {
    throw new Error(`opencv-doc example data not found (looked in ${candidates.join(' and ')}); `
      + 'run `bash tools/provision/opencv-doc.sh` (or setup.sh --with-debian)');
  }
  return found;
}

/**
 * Parses a matrix from an OpenCV FileStorage XML file (`<name type_id="opencv-matrix">` with rows, cols,
 * dt and data), row-major. Errors name the file and the field.
 */
export function parseOpenCvMatrix(xml: string, label: string): { name: string; rows: number; cols: number; data: number[] } {
  const block = /<([A-Za-z_][\w]*)\s+type_id="opencv-matrix"\s*>([\s\S]*?)<\/\1>/.exec(xml);
  if (!block) throw new Error(`${label}: no element with type_id="opencv-matrix"`);
  const [, name, body] = block;
  const field = (tag: string): string => {
    const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(body);
    if (!m) throw new Error(`${label}: ${name} has no <${tag}>`);
    return m[1].trim();
  };
  const rows = Number(field('rows'));
  const cols = Number(field('cols'));
  if (!Number.isInteger(rows) || rows <= 0) throw new Error(`${label}: ${name}.rows is ${JSON.stringify(field('rows'))}, expected a positive integer`);
  if (!Number.isInteger(cols) || cols <= 0) throw new Error(`${label}: ${name}.cols is ${JSON.stringify(field('cols'))}, expected a positive integer`);
  const dt = field('dt');
  if (dt !== 'd' && dt !== 'f') throw new Error(`${label}: ${name}.dt is ${JSON.stringify(dt)}, expected "d" or "f" (one floating-point channel)`);
  const tokens = field('data').split(/\s+/).filter((t) => t.length > 0);
  const data = tokens.map(Number);
  const bad = tokens.findIndex((t, i) => !Number.isFinite(data[i]));
  if (bad >= 0) throw new Error(`${label}: ${name}.data value ${bad} is ${JSON.stringify(tokens[bad])}, not a number`);
  if (data.length !== rows * cols) throw new Error(`${label}: ${name}.data holds ${data.length} values, expected ${rows}x${cols}`);
  return { name, rows, cols, data };
}

function readChecked(dir: string, entries: Map<string, ManifestFile>, rel: string): Buffer {
  const entry = entries.get(rel);
  if (!entry) throw new Error(`${rel}: not listed in datasets/${MANIFEST}.json`);
  const file = path.join(dir, rel);
  const bytes = readFileNamed(file);
  checkFile(file, bytes, entry, MANIFEST);
  return bytes;
}

/** Loads one pair (checksummed against the manifest); graf comes with its ground-truth homography. */
export function loadRefPair(name: RefPairName, env: NodeJS.ProcessEnv = process.env): RefPair {
  const spec: { input: string; reference: string; homography?: string } | undefined = REF_PAIRS[name];
  if (!spec) throw new Error(`unknown reference pair ${JSON.stringify(name)}; known: ${Object.keys(REF_PAIRS).join(', ')}`);
  const dir = opencvDocDir(env);
  const entries = new Map(loadManifest(MANIFEST).files.map((f) => [f.path, f]));
  const inputFile = path.join(dir, spec.input);
  const referenceFile = path.join(dir, spec.reference);
  const pair: RefPair = {
    name,
    input: decodeImage(readChecked(dir, entries, spec.input), inputFile),
    reference: decodeImage(readChecked(dir, entries, spec.reference), referenceFile),
    inputFile,
    referenceFile,
  };
  if (spec.homography) {
    const label = path.join(dir, spec.homography);
    const m = parseOpenCvMatrix(readChecked(dir, entries, spec.homography).toString('utf8'), label);
    if (m.rows !== 3 || m.cols !== 3) throw new Error(`${label}: ${m.name} is ${m.rows}x${m.cols}, expected a 3x3 homography`);
    pair.homography = m.data;
  }
  return pair;
}
