// Micro configs for tests: the quick profile's files with tiny models (widths x 1/16), search
// crops of 95 (a 9x9 response), a few steps, Set5 as the still images and the first frames of
// the held-out sequence. Seconds per run, not minutes.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '../../../..');
export const CONFIGS = path.join(REPO, 'experiments/tracking/configs');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kdlab-${prefix}-`));
}

/** A micro profile file; stack it after the quick profile and a fold, before a method. */
export function microProfile(dir: string, extra = ''): string {
  const file = path.join(dir, 'micro.yaml');
  fs.writeFileSync(
    file,
    `experiment: tracking-micro
data: { search: 95, responseSize: 9, batch: 2, stills: [Set5], maxGap: 20 }
eval: { limit: 8 }
teacher:
  model: { widthScale: 0.0625 }
  train: { train: { steps: 3, logEvery: 1, checkpointEvery: 3 } }
student:
  model: { widthScale: 0.0625 }
train: { steps: 3, logEvery: 1, checkpointEvery: 3 }
${extra}`,
  );
  return file;
}

/** The file stack of a micro run; `override` (YAML) is merged last, after the method. */
export function microFiles(dir: string, method: string, fold = 'otb_crossing', override = ''): string[] {
  const files = [path.join(CONFIGS, 'profiles/quick.yaml'), path.join(CONFIGS, `folds/${fold}.yaml`), microProfile(dir), path.join(CONFIGS, `methods/${method}.yaml`)];
  if (override) {
    const file = path.join(dir, `override-${method}.yaml`);
    fs.writeFileSync(file, override);
    files.push(file);
  }
  return files;
}
