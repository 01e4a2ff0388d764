// `kdlab degrade --in DIR --out DIR --scale S [--blur iso|aniso ...]`: LR images written as PNG under
// the input names. Without --blur: MATLAB bicubic, imresize(modcrop(HR, S), 1/S, 'bicubic') on
// uint8 (the SISR convention). With --blur: the DASR/KDSR classic degradation (Gaussian blur with
// reflect padding, float bicubic, Gaussian noise, one rounding at the end); see libs/data/README.md.
import * as path from 'path';
import type { Command } from 'commander';
import type { ClassicDegradation } from '@kdlab/data';

export interface DegradeFlags {
  scale: string;
  blur?: string;
  sigma?: string;
  lambda1?: string;
  lambda2?: string;
  theta?: string;
  kernelSize: string;
  noise: string;
  jpeg?: string;
  seed: string;
}

function num(flag: string, raw: string, ok: (v: number) => boolean, want: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || !ok(v)) throw new Error(`${flag} must be ${want}, got ${JSON.stringify(raw)}`);
  return v;
}

const positive = (v: number) => v > 0;
const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;

/** The degradation the flags ask for; every bad value is an error naming its flag. */
export function degradationFromFlags(f: DegradeFlags): { degradation: ClassicDegradation; seed: number } {
  const scale = num('--scale', f.scale, positiveInt, 'a positive integer');
  const kernelSize = num('--kernel-size', f.kernelSize, (v) => positiveInt(v) && v % 2 === 1, 'an odd positive integer');
  const noise = num('--noise', f.noise, (v) => v >= 0, 'a number >= 0 (standard deviation on the 0-255 scale)');
  const seed = num('--seed', f.seed, (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff, 'an integer in [0, 2^32)');
  const jpeg = f.jpeg === undefined ? undefined : num('--jpeg', f.jpeg, (v) => Number.isInteger(v) && v >= 1 && v <= 100, 'an integer quality in [1, 100]');
  const degradation: ClassicDegradation = { scale, kernelSize, noise, jpeg };
  const isoOnly = { '--sigma': f.sigma };
  const anisoOnly = { '--lambda1': f.lambda1, '--lambda2': f.lambda2, '--theta': f.theta };
  const stray = (flags: Record<string, string | undefined>, need: string) => {
    for (const [flag, v] of Object.entries(flags)) if (v !== undefined) throw new Error(`${flag} needs ${need}, got ${flag} ${v} with --blur ${f.blur ?? '(none)'}`);
  };
  if (f.blur === undefined) {
    stray(isoOnly, '--blur iso');
    stray(anisoOnly, '--blur aniso');
  } else if (f.blur === 'iso') {
    stray(anisoOnly, '--blur aniso');
    if (f.sigma === undefined) throw new Error('--blur iso needs --sigma');
    degradation.blur = { type: 'iso', sigma: num('--sigma', f.sigma, positive, 'a positive number') };
  } else if (f.blur === 'aniso') {
    stray(isoOnly, '--blur iso');
    if (f.lambda1 === undefined || f.lambda2 === undefined) throw new Error('--blur aniso needs --lambda1 and --lambda2 (and optionally --theta, degrees, default 0)');
    degradation.blur = {
      type: 'aniso',
      lambda1: num('--lambda1', f.lambda1, positive, 'a positive number'),
      lambda2: num('--lambda2', f.lambda2, positive, 'a positive number'),
      thetaDeg: num('--theta', f.theta ?? '0', () => true, 'a number of degrees'),
    };
  } else {
    throw new Error(`--blur must be iso or aniso, got ${JSON.stringify(f.blur)}`);
  }
  return { degradation, seed };
}

export function register(program: Command): void {
  program
    .command('degrade')
    .description('write LR PNGs with the same names: MATLAB bicubic (default) or the DASR/KDSR blur + bicubic + noise pipeline (--blur)')
    .requiredOption('--in <dir>', 'folder of HR images (PNG, JPEG, BMP)')
    .requiredOption('--out <dir>', 'folder for the LR PNGs (created)')
    .requiredOption('--scale <s>', 'downscaling factor (integer)')
    .option('--blur <type>', 'Gaussian blur before downsampling: iso | aniso (none: bicubic only)')
    .option('--sigma <s>', 'iso: standard deviation of the kernel (pixels)')
    .option('--lambda1 <a>', 'aniso: standard deviation along the first principal axis')
    .option('--lambda2 <b>', 'aniso: standard deviation along the second principal axis')
    .option('--theta <deg>', 'aniso: rotation angle in degrees (default 0)')
    .option('--kernel-size <k>', 'odd kernel size', '21')
    .option('--noise <level>', 'Gaussian noise standard deviation on the 0-255 scale, added before rounding', '0')
    .option('--jpeg <quality>', 'JPEG-compress the LR at this quality (1-100), libjpeg-turbo')
    .option('--seed <n>', 'seed of the noise (each image draws from seed + its file name)', '0')
    .action(async (opts: DegradeFlags & { in: string; out: string }) => {
      const { degradation, seed } = degradationFromFlags(opts); // before loading TensorFlow: bad flags fail fast
      const { degradeClassic, imageSeed, listImageFiles, modcrop, readImage, writeImage } = await import('@kdlab/data');
      const { Rng } = await import('@kdlab/engine');
      const inputs = listImageFiles(path.resolve(opts.in));
      if (inputs.length === 0) throw new Error(`${opts.in}: no PNG/JPEG/BMP images`);
      const outDir = path.resolve(opts.out);
      if (outDir === path.resolve(opts.in)) throw new Error('--out must differ from --in (the LR images keep the HR names)');
      for (const file of inputs) {
        const name = path.basename(file, path.extname(file));
        const lr = degradeClassic(modcrop(readImage(file), degradation.scale), degradation, new Rng(imageSeed(seed, name)));
        const dest = path.join(outDir, `${name}.png`);
        writeImage(dest, lr);
        console.log(`${path.basename(file)} -> ${dest} (${lr.width}x${lr.height})`);
      }
      console.log(`degraded ${inputs.length} image(s) by x${degradation.scale}${degradation.blur ? ` (${JSON.stringify(degradation.blur)}, noise ${degradation.noise})` : ''} into ${outDir}`);
    });
}
