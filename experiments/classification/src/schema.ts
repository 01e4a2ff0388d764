import { z } from 'zod';

export const DATASETS = ['cifar10', 'fashion-mnist'] as const;
export type ClassificationDataset = (typeof DATASETS)[number];

/** `config.data` of the `classification` task. */
export const clsDataSchema = z
  .object({
    dataset: z.enum(DATASETS),
    /**
     * Train on the first N images of each class only (a balanced subset, the same for every seed).
     * The validation split (datasets/<dataset>-val.json) is always left out first.
     */
    trainPerClass: z.number().int().positive().optional(),
    batch: z.number().int().positive(),
    /**
     * Pixel distillation: the student sees every image shrunk by this factor (MATLAB bicubic
     * imresize of the augmented image; test images shrunk whole), the teacher the full-size image
     * of the same augmentation draw. Absent = 1: one view, as before.
     */
    lrFactor: z.union([z.literal(1), z.literal(2), z.literal(4)]).optional(),
    augment: z
      .object({
        /** Zero padding before the random crop back to the original size (CIFAR: 4). */
        pad: z.number().int().nonnegative().default(4),
        flip: z.boolean().default(true),
      })
      .strict()
      .default({}),
  })
  .strict();

/** `config.eval` of the `classification` task. */
export const clsEvalSchema = z
  .object({
    /**
     * What `evaluate` scores: the test split (tables) or the dataset's validation split, 5,000
     * training images that are never trained on (datasets/<dataset>-val.json; selection runs).
     */
    split: z.enum(['test', 'val']).default('test'),
    /** Evaluate on the first N test images of each class only (quick runs); the whole test split by default. */
    testPerClass: z.number().int().positive().optional(),
    batch: z.number().int().positive().default(500),
  })
  .strict();

export type ClsData = z.infer<typeof clsDataSchema>;
export type ClsEval = z.infer<typeof clsEvalSchema>;
