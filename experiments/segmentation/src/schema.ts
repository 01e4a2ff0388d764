import { z } from 'zod';

export const SPLITS = ['train', 'val', 'testA', 'testB'] as const;
export type GlasSplit = (typeof SPLITS)[number];

/** Training augmentation (every draw from the run's data RNG). */
export const augmentSchema = z
  .object({
    /** Random horizontal flip and rotation by a multiple of 90 degrees (the 8 symmetries of the square crop). */
    dihedral: z.boolean().default(true),
    /** HED stain jitter (Tellez et al. 2018): each stain concentration scaled by U(1-s, 1+s) and shifted by U(-s, s); 0 turns it off. */
    stain: z.number().min(0).max(1).default(0.05),
    /** Brightness shift U(-b, b) (fraction of 255) and contrast factor U(1-c, 1+c); 0 turns each off. */
    brightness: z.number().min(0).max(1).default(0.1),
    contrast: z.number().min(0).max(1).default(0.1),
  })
  .strict();

/** `config.data` of the `segmentation` task. */
export const segDataSchema = z
  .object({
    /** Dataset manifest (datasets/<name>.json); GlaS is the one available. */
    dataset: z.literal('glas').default('glas'),
    /** Integer factor k: images are box-averaged over k x k pixels (masks: majority) before training and inference; 1 = full resolution. */
    downsample: z.number().int().min(1).max(8).default(1),
    /** Square training crop (pixels after downsampling), a multiple of 8. */
    crop: z.number().int().min(16).refine((v) => v % 8 === 0, 'must be a multiple of 8'),
    batch: z.number().int().positive(),
    /** Train on the first N training images only (tiny test runs). */
    trainLimit: z.number().int().positive().optional(),
    augment: augmentSchema.default({}),
  })
  .strict();

/** `config.eval` of the `segmentation` task. */
export const segEvalSchema = z
  .object({
    /** Splits to score: the official testA/testB, or 'val' (carved from train) for choosing hyper-parameters. */
    splits: z.array(z.enum(['val', 'testA', 'testB'])).min(1).default(['testA', 'testB']),
    /** Sliding-window tile (pixels after downsampling, a multiple of 8) and overlap between neighbouring tiles. */
    tile: z.number().int().min(16).refine((v) => v % 8 === 0, 'must be a multiple of 8').default(128),
    overlap: z.number().int().nonnegative().default(32),
    /** Tiles per forward pass. */
    batch: z.number().int().positive().default(8),
    /**
     * Where the object metrics are computed: 'original' (the GlaS convention, exact) or 'working'
     * (the prediction and the mask box-downsampled by k, distances multiplied by k: an
     * approximation that makes the CPU quick profile affordable; pixel metrics stay at 'original').
     */
    objectResolution: z.enum(['original', 'working']).default('original'),
    /** Evaluate only the first N images of each split (tiny test runs). */
    limit: z.number().int().positive().optional(),
  })
  .strict()
  .refine((e) => e.overlap < e.tile, { message: 'overlap must be smaller than tile', path: ['overlap'] });

export type SegData = z.infer<typeof segDataSchema>;
export type SegEval = z.infer<typeof segEvalSchema>;
export type SegAugment = z.infer<typeof augmentSchema>;
