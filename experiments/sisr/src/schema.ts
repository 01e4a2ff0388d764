import { z } from 'zod';
import { IMRESIZE_VERSION } from '@kdlab/data';

const datasetList = z.array(z.string().min(1)).min(1);

/**
 * How LR images are made: MATLAB bicubic at the current imresize version. A resolved config
 * records it, so run hashes and cached teachers change when the LR generation changes (a
 * teacher trained on the v1 LR, whose border mirrored, is never reused).
 */
export const SR_DEGRADATION = `matlab-bicubic-${IMRESIZE_VERSION}`;

/** `config.data` of the `sr` task. Datasets are manifest names (datasets/<name>.json). */
export const srDataSchema = z
  .object({
    scale: z.number().int().min(2).max(8),
    /** Training images: every pair of these datasets. */
    train: datasetList,
    /** Use only the first N training images (tiny test runs). */
    trainLimit: z.number().int().positive().optional(),
    lrPatch: z.number().int().positive(),
    batch: z.number().int().positive(),
    augment: z.boolean().default(true),
    test: datasetList,
    /**
     * Validation splits carved from the training data (manifests with `heldOutOf`, e.g.
     * T91-BSD200-val): their images are left out of training (matched by sha256), and
     * `eval.split: val` scores them instead of the test sets. Hyper-parameters are chosen there.
     */
    val: datasetList.optional(),
    degradation: z.literal(SR_DEGRADATION).default(SR_DEGRADATION),
  })
  .strict();

/** `config.eval` of the `sr` task: the metric convention. */
export const srEvalSchema = z
  .object({
    channel: z.enum(['y', 'rgb']).default('y'),
    /** Border pixels ignored; 'scale' (the default) crops `scale` pixels. */
    crop: z.union([z.number().int().nonnegative(), z.literal('scale')]).default('scale'),
    /** What `evaluate` scores: the test sets (tables) or the validation splits of data.val (selection). */
    split: z.enum(['test', 'val']).default('test'),
    /** Evaluate only the first N images of each test set (tiny test runs). */
    limit: z.number().int().positive().optional(),
  })
  .strict();

export type SrData = z.infer<typeof srDataSchema>;
export type SrEval = z.infer<typeof srEvalSchema>;
