// The C2-Matching pieces together on a real training image: a random-homography pair (libs/data), two
// contras-vgg extractors (libs/backbones) and the losses with the released defaults (128 matches, radius 4).
import { tf, Rng } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor4D, Variable } from '@kdlab/engine';
import { buildBackbone } from '@kdlab/backbones';
import { cropImage, dataPath, imageToTensor, randomHomographyPair, readImage } from '@kdlab/data';
import { createLoss } from '../loss';

describe('C2-Matching losses on a real 96 px pair', () => {
  const bsd = readImage(dataPath('sr/BSD200/2092.png'));
  const img = cropImage(bsd, 100, 200, 96, 96);
  const pair = randomHomographyPair(img, new Rng(3), 9);
  const view1 = imageToTensor(img).expandDims(0) as Tensor4D;
  const view2 = imageToTensor(pair.reference).expandDims(0) as Tensor4D;
  const correspondence = tf.tensor4d(pair.correspondence, [1, 96, 96, 2]);

  it('c2-triplet with the released defaults trains two tiny extractors (loss falls in 12 Adam steps; 96 px still gives more than 128 matches)', () => {
    const f1 = buildBackbone({ arch: 'c2-contras-vgg-tiny' }, 1);
    const f2 = buildBackbone({ arch: 'c2-contras-vgg-tiny' }, 2);
    const loss = createLoss({ kind: 'c2-triplet' });
    const vars = [...f1.trainableWeights, ...f2.trainableWeights].map((w) => w.read() as Variable);
    const opt = tf.train.adam(1e-3);
    const values: number[] = [];
    for (let step = 0; step < 12; step++) {
      const v = opt.minimize(() => loss.compute(f1.apply(view1, { training: true }) as Tensor, f2.apply(view2, { training: true }) as Tensor, { correspondence }) as Scalar, true, vars);
      values.push(v!.dataSync()[0]);
      v!.dispose();
    }
    expect(values[0]).toBeGreaterThan(0);
    expect(Math.min(...values.slice(-2))).toBeLessThan(0.93 * values[0]);
  });

  it('c2-correlation-kd on real descriptors: 0 when the student equals the teacher, positive otherwise', () => {
    const teacher1 = buildBackbone({ arch: 'c2-contras-vgg-tiny' }, 5);
    const teacher2 = buildBackbone({ arch: 'c2-contras-vgg-tiny' }, 6);
    const kd = createLoss({ kind: 'c2-correlation-kd' });
    const t1 = teacher1.predict(view1) as Tensor;
    const t2 = teacher2.predict(view2) as Tensor;
    const reference = { student: t2, teacher: t2 };
    expect(kd.compute(t1, t1, { correspondence, reference }).dataSync()[0]).toBeCloseTo(0, 5);
    // (an untrained extractor's descriptors are nearly alike across cells, so its correlation rows are
    // nearly uniform: a second untrained net would give a KL near 0 too; use unrelated descriptors)
    const s1 = tf.randomNormal(t1.shape, 0, 1, 'float32', 9);
    expect(kd.compute(s1, t1, { correspondence, reference }).dataSync()[0]).toBeGreaterThan(1e-3);
  });
});
