// `kdlab degrade --in DIR --out DIR --scale S`: bicubic LR images as MATLAB makes them
// (imresize(modcrop(HR, S), 1/S, 'bicubic')), written as PNG under the same names.
import * as path from 'path';
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('degrade')
    .description('write MATLAB-bicubic LR PNGs (HR mod-cropped to the scale, then imresize 1/S) with the same names')
    .requiredOption('--in <dir>', 'folder of HR images (PNG, JPEG, BMP)')
    .requiredOption('--out <dir>', 'folder for the LR PNGs (created)')
    .requiredOption('--scale <s>', 'downscaling factor (integer)')
    .action(async (opts: { in: string; out: string; scale: string }) => {
      const { imresizeBicubic, listImageFiles, modcrop, readImage, writeImage } = await import('@kdlab/data');
      const scale = Number(opts.scale);
      if (!Number.isInteger(scale) || scale < 1) throw new Error(`--scale must be a positive integer, got ${JSON.stringify(opts.scale)}`);
      const inputs = listImageFiles(path.resolve(opts.in));
      if (inputs.length === 0) throw new Error(`${opts.in}: no PNG/JPEG/BMP images`);
      const outDir = path.resolve(opts.out);
      if (outDir === path.resolve(opts.in)) throw new Error('--out must differ from --in (the LR images keep the HR names)');
      for (const file of inputs) {
        const lr = imresizeBicubic(modcrop(readImage(file), scale), 1 / scale);
        const dest = path.join(outDir, `${path.basename(file, path.extname(file))}.png`);
        writeImage(dest, lr);
        console.log(`${path.basename(file)} -> ${dest} (${lr.width}x${lr.height})`);
      }
      console.log(`degraded ${inputs.length} image(s) by x${scale} into ${outDir}`);
    });
}
