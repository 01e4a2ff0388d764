// `kdlab metrics --hr DIR --sr DIR --scale S [--json]`: PSNR/SSIM of SR outputs against HR
// images under the SR convention (Y channel, border crop = scale; see @kdlab/metrics).
import * as path from 'path';
import type { Command } from 'commander';

interface MetricsCliOptions { hr: string; sr: string; scale: string; json?: boolean; channel: string; crop?: string }

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

export function register(program: Command): void {
  program
    .command('metrics')
    .description('PSNR/SSIM of SR images against HR images (Y channel of BT.601, border crop = scale); files pair by the name before the first _ or .')
    .requiredOption('--hr <dir>', 'folder of ground-truth HR images')
    .requiredOption('--sr <dir>', 'folder of super-resolved images (e.g. baby_RCAN_x4.png)')
    .requiredOption('--scale <s>', 'upscaling factor: the border crop, and the mod-crop applied to HR images larger than their SR')
    .option('--channel <y|rgb>', 'score the Y channel (the SR convention) or RGB', 'y')
    .option('--crop <n>', 'border crop in pixels (default: the scale)')
    .option('--json', 'print exactly one JSON object {"images":[{"name","psnr","ssim"}...],"mean":{"psnr","ssim"}} (an identical pair has infinite PSNR, printed as null)')
    .action(async (opts: MetricsCliOptions) => {
      const { listImageFiles, modcrop, readImage } = await import('@kdlab/data');
      const { evaluatePairs, pairFilesByStem } = await import('@kdlab/metrics');
      const scale = positiveInt('scale', opts.scale);
      const crop = opts.crop === undefined ? scale : Number(opts.crop);
      if (!Number.isInteger(crop) || crop < 0) throw new Error(`--crop must be a non-negative integer, got ${JSON.stringify(opts.crop)}`);
      if (opts.channel !== 'y' && opts.channel !== 'rgb') throw new Error(`--channel must be y or rgb, got ${JSON.stringify(opts.channel)}`);
      const files = pairFilesByStem(listImageFiles(path.resolve(opts.hr)), listImageFiles(path.resolve(opts.sr)));
      const pairs = files.map(({ name, hr: hrFile, sr: srFile }) => {
        const sr = readImage(srFile);
        let hr = readImage(hrFile);
        // SR outputs are made from the mod-cropped HR (the LR is HR/scale): crop HR to match.
        if (hr.height !== sr.height || hr.width !== sr.width) hr = modcrop(hr, scale);
        if (hr.height !== sr.height || hr.width !== sr.width) {
          throw new Error(`${srFile} is ${sr.height}x${sr.width} but ${hrFile} is ${hr.height}x${hr.width} after mod-crop by ${scale}`);
        }
        return { name, hr, sr };
      });
      const res = evaluatePairs(pairs, { crop, channel: opts.channel });
      if (opts.json) {
        console.log(JSON.stringify({ images: res.images.map(({ name, psnr, ssim }) => ({ name, psnr, ssim })), mean: res.mean }));
        return;
      }
      const width = Math.max(4, ...res.images.map((r) => r.name.length));
      console.log(`${'name'.padEnd(width)}  PSNR(dB)  SSIM     (${opts.channel === 'y' ? 'Y' : 'RGB'}, crop ${crop})`);
      for (const r of res.images) console.log(`${r.name.padEnd(width)}  ${r.psnr.toFixed(4).padStart(8)}  ${r.ssim.toFixed(4)}`);
      console.log(`${'mean'.padEnd(width)}  ${res.mean.psnr.toFixed(4).padStart(8)}  ${res.mean.ssim.toFixed(4)}`);
    });
}
