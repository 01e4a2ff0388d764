// The `segmentation` task: GlaS gland segmentation. Training: random crops of the
// (optionally k-downsampled) training images with dihedral, stain and colour
// augmentation, per-pixel one-hot targets [N, crop, crop, 2]. Evaluation:
// sliding-window inference over whole images of the chosen splits, scored at the
// original resolution (naming.ts states the convention).
import { verifyDataset } from '@kdlab/data';
import type { BatchStream, EvalResult, Predictor, Task, TaskInstance } from '@kdlab/runner';
import type { Rng } from '@kdlab/engine';
import { CropBatches } from './data/batch-stream';
import { channelStats, loadGlas, type GlasImage } from './data/glas';
import type { ChannelStats } from './data/normalise';
import { scoreSplit } from './evaluate';
import { SEG_CONVENTION, SEG_METRICS, segMetricKey, segPerImageFile } from './naming';
import { segDataSchema, segEvalSchema, type SegData, type SegEval } from './schema';

/** FLOPs are reported for one whole GlaS image (775 x 522, the common size) at the working resolution. */
export const GLAS_IMAGE_HW: [number, number] = [522, 775];

export class SegmentationTaskInstance implements TaskInstance {
  readonly baselines = [] as const;
  readonly flopsInputHw: [number, number];
  readonly tags: Record<string, string>;
  readonly train: GlasImage[];
  readonly stats: ChannelStats;
  private readonly evalSets = new Map<string, GlasImage[]>();

  constructor(private readonly data: SegData, private readonly evalCfg: SegEval, log?: (line: string) => void) {
    this.train = loadGlas('train', data.downsample, data.trainLimit);
    this.stats = channelStats(this.train);
    const k = data.downsample;
    this.flopsInputHw = [Math.ceil(GLAS_IMAGE_HW[0] / k), Math.ceil(GLAS_IMAGE_HW[1] / k)];
    this.tags = {
      'kdlab.dataset': 'glas',
      'kdlab.train_images': String(this.train.length),
      'kdlab.downsample': String(k),
      'kdlab.eval_splits': evalCfg.splits.join(','),
      'kdlab.metric_convention': `${SEG_CONVENTION} (here: downsample ${k}, tile ${evalCfg.tile}, overlap ${evalCfg.overlap}, object metrics at the ${evalCfg.objectResolution} resolution${evalCfg.objectResolution === 'working' && k > 1 ? ` with distances x${k}` : ''})`,
    };
    log?.(`glas: ${this.train.length} training images at 1/${k} resolution`);
  }

  datasets() {
    return [verifyDataset('glas')];
  }

  trainStream(rng: Rng): BatchStream {
    return new CropBatches(this.train, { crop: this.data.crop, batch: this.data.batch, augment: this.data.augment, stats: this.stats }, rng);
  }

  private split(name: 'val' | 'testA' | 'testB'): GlasImage[] {
    let set = this.evalSets.get(name);
    if (!set) this.evalSets.set(name, (set = loadGlas(name, this.data.downsample, this.evalCfg.limit)));
    return set;
  }

  async evaluate(predictor: Predictor, onProgress?: (done: number, total: number) => void): Promise<EvalResult> {
    if (predictor.kind !== 'model') throw new Error(`segmentation task: no baseline ${JSON.stringify(predictor.name)} (it has none)`);
    const sets = this.evalCfg.splits.map((s) => [s, this.split(s)] as const);
    const total = sets.reduce((n, [, imgs]) => n + imgs.length, 0);
    let done = 0;
    const metrics: Record<string, number> = {};
    const files: Record<string, object> = {};
    const window = { tile: this.evalCfg.tile, overlap: this.evalCfg.overlap, batch: this.evalCfg.batch };
    for (const [name, images] of sets) {
      const res = scoreSplit(images, predictor.predict, this.stats, window, () => onProgress?.(++done, total), this.evalCfg.objectResolution);
      for (const m of SEG_METRICS) metrics[segMetricKey(name, m)] = res.metrics[m];
      files[segPerImageFile(name)] = { images: res.perImage, confusion: res.confusion, metrics: res.metrics };
    }
    return { metrics, files };
  }

  dispose(): void {
    this.evalSets.clear();
  }
}

export const segmentationTask: Task<SegData, SegEval> = {
  name: 'segmentation',
  dataSchema: segDataSchema,
  evalSchema: segEvalSchema,
  modelSpec(spec) {
    if (spec.numClasses !== undefined && spec.numClasses !== 2) throw new Error(`model ${spec.arch}: numClasses ${String(spec.numClasses)}; GlaS has 2 classes (background, gland)`);
    return { ...spec, numClasses: 2, inputChannels: 3 };
  },
  async create(data, evalCfg) {
    return new SegmentationTaskInstance(data, evalCfg, (line) => process.stderr.write(`${line}\n`));
  },
};
