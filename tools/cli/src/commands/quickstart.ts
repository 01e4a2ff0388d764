// `kdlab quickstart`: proves the install end to end in under a minute — the
// engine report, then a short real training run of a small conv net on a crop
// of a real image (Set5 "baby"), with the loss printed as it falls.
import * as fs from 'fs';
import type { Command } from 'commander';
import type { Scalar, Tensor, Tensor3D, Tensor4D } from '@kdlab/engine';

export function register(program: Command): void {
  program
    .command('quickstart')
    .description('print the engine report and train a small conv net for a few steps on a real image crop')
    .option('--steps <n>', 'training steps', '60')
    .action(async (opts: { steps: string }) => {
      const { tf, engine, engineInfo, Rng } = await import('@kdlab/engine');
      const { dataPath } = await import('@kdlab/data');
      const { progress } = await import('@kdlab/runner');
      const info = engineInfo(engine);
      console.log(`backend: ${info.backend}\ndevice: ${info.device}\nthreads: ${info.threads}\ntensorflow: ${info.versions['tensorflow-c'] ?? 'n/a'}`);

      const file = dataPath('sr/Set5/baby.png');
      const rng = new Rng(0);
      const steps = Number(opts.steps);
      // HR: a 96x96 crop in [0,1]; LR: its 2x area downscale. The net learns a
      // residual on top of bilinear upsampling.
      const hr = tf.tidy(() => (tf.node.decodePng(fs.readFileSync(file), 3) as Tensor3D).slice([200, 200, 0], [96, 96, 3]).toFloat().div(255).expandDims(0) as Tensor4D);
      const lr = tf.tidy(() => tf.avgPool(hr, 2, 2, 'valid') as Tensor4D);
      const up = tf.tidy(() => tf.image.resizeBilinear(lr, [96, 96]));
      const w1 = tf.variable(tf.randomNormal([3, 3, 3, 32], 0, 0.05, 'float32', rng.seed())) as unknown as Tensor4D;
      const w2 = tf.variable(tf.randomNormal([3, 3, 32, 3], 0, 0.05, 'float32', rng.seed())) as unknown as Tensor4D;
      const predict = () => tf.conv2d(tf.relu(tf.conv2d(up, w1, 1, 'same')), w2, 1, 'same').add(up);
      const opt = tf.train.adam(2e-3);
      const losses: number[] = [];
      const bar = progress('quickstart', steps, { unit: 'step', plainEverySec: 2 });
      for (let i = 0; i < steps; i++) {
        const cost = opt.minimize(() => predict().sub(hr).abs().mean() as Scalar, true)!;
        losses.push(cost.dataSync()[0]);
        cost.dispose();
        bar.tick(1, { l1: losses[losses.length - 1] });
      }
      bar.stop();
      const psnr = (a: Tensor) => tf.tidy(() => -10 * Math.log10(a.sub(hr).square().mean().dataSync()[0]));
      const bilinear = psnr(up);
      const learned = tf.tidy(() => psnr(predict().clipByValue(0, 1)));
      console.log(`L1 loss: first ${losses[0].toFixed(4)} -> last ${losses[losses.length - 1].toFixed(4)}`);
      console.log(`PSNR (RGB, 96x96 crop of ${file}): bilinear ${bilinear.toFixed(2)} dB, trained ${learned.toFixed(2)} dB`);
      tf.dispose([hr, lr, up, w1, w2]);
      if (!(losses[losses.length - 1] < losses[0])) throw new Error('the training loss did not fall');
    });
}
