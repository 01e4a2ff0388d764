// Training batches of the `ref-sr` task, drawn from HR training images with one seeded Rng (its state is
// the stream's state, so a resumed run draws the same batches):
//  - correspondence stage (C2-Matching's contrastive training pairs, yumingj/C2-Matching@6d60149
//    mmsr/data/contras_dataset.py): a random `crop`-px HR crop and the same crop warped by a random
//    homography (libs/data randomHomographyPair), with the view-1 → view-2 correspondence for the losses;
//    input = view 1 (HR or LR-up) ⊕ view 2, teacherInput the teacher's view 1 ⊕ view 2 when it differs;
//  - restoration stage (a stand-in for CUFED's input/reference pairs): the reference is another view of the
//    crop (random homography + photometric change); input = LR ⊕ PixelUnshuffle(reference) ⊕ the frozen
//    matcher's flow (LR-up vs reference), or LR alone without reference; target = the HR crop.
import { tf } from '@kdlab/engine';
import type { LayersModel, Rng, Tensor4D } from '@kdlab/engine';
import { cropImage, randomHomographyPair, type Image } from '@kdlab/data';
import type { Batch, BatchStream } from '@kdlab/runner';
import type { RefSrData } from './schema';
import { batchFlow } from './matcher';
import { batchOf, lrOf, lrUpOf, packViews, photometricChange, view1Of } from './views';
import { restorationInput } from './restoration-input';

function randomCrop(images: Image[], side: number, rng: Rng): Image {
  const img = images[rng.int(images.length)];
  if (img.height < side || img.width < side) throw new Error(`ref-sr stream: a training image is ${img.height}x${img.width}, smaller than config.data.crop ${side}`);
  return cropImage(img, rng.int(img.height - side + 1), rng.int(img.width - side + 1), side, side);
}

function correspondenceBatch(images: Image[], data: RefSrData, rng: Rng): Batch {
  const hr: Image[] = [];
  const refs: Image[] = [];
  const corr = new Float32Array(data.batch * data.crop * data.crop * 2);
  for (let b = 0; b < data.batch; b++) {
    const crop = randomCrop(images, data.crop, rng);
    const pair = randomHomographyPair(crop, rng, data.maxShift);
    hr.push(crop);
    refs.push(pair.reference);
    corr.set(pair.correspondence, b * pair.correspondence.length);
  }
  const input = packViews(hr.map((v) => view1Of(data.view1, v, data.scale)), refs);
  const teacherView = data.teacherView1 ?? data.view1;
  const teacherInput = teacherView === data.view1 ? undefined : packViews(hr.map((v) => view1Of(teacherView, v, data.scale)), refs);
  return {
    input,
    // Unused by the C2-Matching losses (their view 2 is a tap): the HR view 1, so that the batch is whole.
    target: batchOf(hr),
    // The C2-Matching losses read it as the batch's extra tensor 'correspondence' (libs/kd two-view.ts).
    extra: { correspondence: tf.tensor4d(corr, [data.batch, data.crop, data.crop, 2]) },
    ...(teacherInput ? { teacherInput } : {}),
  };
}

function restorationBatch(images: Image[], data: RefSrData, rng: Rng, matcher: LayersModel | undefined): Batch {
  const hr: Image[] = [];
  const refs: Image[] = [];
  for (let b = 0; b < data.batch; b++) {
    const crop = randomCrop(images, data.crop, rng);
    hr.push(crop);
    refs.push(photometricChange(randomHomographyPair(crop, rng, data.maxShift).reference, data.photometric, rng));
  }
  const lr = batchOf(hr.map((v) => lrOf(v, data.scale)));
  const target = batchOf(hr);
  if (!data.reference) return { input: lr, target };
  if (!matcher) throw new Error('ref-sr stream: config.data.reference is true but no matcher is loaded (config.data.matcher.dir)');
  const views = packViews(hr.map((v) => lrUpOf(v, data.scale)), refs);
  const flow = batchFlow(matcher, views);
  const ref = batchOf(refs);
  const input = restorationInput(lr, ref, flow, data.scale);
  tf.dispose([views, flow, ref, lr]);
  return { input, target };
}

export function refSrStream(images: Image[], data: RefSrData, rng: Rng, matcher?: LayersModel): BatchStream {
  return {
    next: () => (data.stage === 'correspondence' ? correspondenceBatch(images, data, rng) : restorationBatch(images, data, rng, matcher)),
    getState: () => ({ rng: rng.getState() }),
    setState(state: unknown) {
      const s = state as { rng?: unknown };
      if (!s || typeof s !== 'object' || typeof s.rng !== 'number') throw new Error(`ref-sr stream: expected state {rng: number}, got ${JSON.stringify(state)}`);
      rng.setState(s.rng);
    },
  };
}

export type { Tensor4D };
