// Training batches of blind SR: random HR patches (libs/data PatchSampler on HR-only pairs at
// scale 1), each degraded on the fly by its own random degradation, as KDSR's
// SRMDPreprocessing(random=True) draws one kernel per image of the batch: the classic pipeline
// (sampleClassicDegradation + degradeClassic), or Real-ESRGAN's second-order pipeline
// (degradeSecondOrder, REALESRGAN_X4_OPTIONS) for real-world training. The HR patch is degraded
// alone (its blurs pad by reflection at the patch border, as the released code blurs the cropped
// HR batch). With data.degradationTarget the batch carries `extra.degradation` [N, D], the
// draws as ./degradation-vector.ts maps them.
import { tf, type Rng } from '@kdlab/engine';
import { degradeClassic, degradeSecondOrder, PatchSampler, REALESRGAN_X4_OPTIONS, sampleClassicDegradation, type Image, type SecondOrderTrace, type SrPair } from '@kdlab/data';
import type { BatchStream } from '@kdlab/runner';
import type { BlindSrData } from './schema';
import { classicVector, degradationVectorLength, secondOrderVector } from './degradation-vector';
import { inputFor } from './views';

interface StreamState {
  sampler: unknown;
  degradation: number;
}

function patchImage(hr: Float32Array, offset: number, size: number): Image {
  const data = new Uint8Array(size * size * 3);
  // PatchSampler divides uint8 values by 255: the round trip is exact.
  for (let k = 0; k < data.length; k++) data[k] = Math.round(hr[offset + k] * 255);
  return { data, height: size, width: size, channels: 3 };
}

/** One random LR of an HR patch and the degradation vector of its draws. */
function degradeRandomly(hr: Image, data: BlindSrData, rng: Rng): { lr: Image; vector: number[] } {
  const d = data.degradation;
  if (d.pipeline === 'realesrgan') {
    const options = { ...REALESRGAN_X4_OPTIONS, scale: data.scale };
    const trace: SecondOrderTrace = {};
    const lr = degradeSecondOrder(hr, rng, options, trace);
    return { lr, vector: secondOrderVector(trace, options) };
  }
  const deg = sampleClassicDegradation(rng, { blur: d.blur, scale: data.scale, kernelSize: d.kernelSize, sigma: d.sigma, lambda: d.lambda, noiseMax: d.noiseMax });
  return { lr: degradeClassic(hr, deg, rng), vector: classicVector(deg, d) };
}

export function blindSrStream(hrImages: Pick<SrPair, 'name' | 'hr'>[], data: BlindSrData, rng: Rng): BatchStream {
  const { lrPatch, scale, batch, augment } = data;
  const hp = lrPatch * scale;
  const sampler = new PatchSampler(hrImages.map((p) => ({ name: p.name, hr: p.hr, lr: p.hr })), { lrPatch: hp, scale: 1, batch, rng, augment });
  // Its own stream, so the patches drawn do not depend on the degradations and vice versa.
  const degRng = rng.fork();
  const dims = degradationVectorLength(data.degradation);
  return {
    next() {
      const { lr: hrBatch, hr: unused } = sampler.next();
      unused.dispose();
      const hrValues = hrBatch.dataSync() as Float32Array;
      const lrValues = new Float32Array(batch * lrPatch * lrPatch * 3);
      const vectors = new Float32Array(batch * dims);
      for (let b = 0; b < batch; b++) {
        const { lr, vector } = degradeRandomly(patchImage(hrValues, b * hp * hp * 3, hp), data, degRng);
        for (let k = 0; k < lr.data.length; k++) lrValues[b * lr.data.length + k] = lr.data[k] / 255;
        vectors.set(vector, b * dims);
      }
      const lr = tf.tensor4d(lrValues, [batch, lrPatch, lrPatch, 3]);
      const input = inputFor(data.input, lr, hrBatch, scale);
      const teacherView = data.teacherInput ?? data.input;
      const teacherInput = teacherView === data.input ? undefined : inputFor(teacherView, lr, hrBatch, scale);
      lr.dispose();
      return {
        input,
        target: hrBatch,
        ...(teacherInput ? { teacherInput } : {}),
        ...(data.degradationTarget ? { extra: { degradation: tf.tensor2d(vectors, [batch, dims]) } } : {}),
      };
    },
    getState: (): StreamState => ({ sampler: sampler.getState(), degradation: degRng.getState() }),
    setState(state: unknown) {
      const s = state as StreamState;
      if (!s || typeof s !== 'object' || typeof s.degradation !== 'number') throw new Error(`blind-sr stream: expected {sampler, degradation: number}, got ${JSON.stringify(state)}`);
      sampler.setState(s.sampler);
      degRng.setState(s.degradation);
    },
  };
}
