import { z } from 'zod';

/** `config.data` of the `retrieval` task. */
export const retrievalDataSchema = z
  .object({
    dataset: z.literal('flickr8k-1k'),
    /** Side of the square image the image tower reads (the centre square, bicubic-shrunk). */
    imageSize: z.number().int().positive().multipleOf(8),
    /** MiniLM token states kept per caption ([CLS] + the first tokens; Flickr8k captions rarely need more than 24). */
    tokens: z.number().int().positive(),
    /** Images (queries) per training step. */
    batch: z.number().int().positive(),
    /** Random negative captions per image (the pool a teacher picks hard negatives from; METER/DCD draw 15 on COCO). */
    negatives: z.number().int().positive(),
    /** Train on the first N training images only (tests); all 800 by default. */
    trainImages: z.number().int().positive().optional(),
  })
  .strict();

/** `config.eval` of the `retrieval` task. */
export const retrievalEvalSchema = z
  .object({
    /** What `evaluate` scores: the test split (tables) or the validation split (choosing settings). */
    split: z.enum(['test', 'val']).default('test'),
    /** Cross-encoders re-rank this many first-stage candidates per query, in both directions. */
    rerankK: z.number().int().positive().default(20),
    /** The first stage for cross-encoders: the weights dir of a trained dual encoder (a run's `final/`). */
    firstStage: z.string().min(1).optional(),
    /** Query images (indices into the split) whose top-5 captions are written to eval/examples.json. */
    exampleImages: z.array(z.number().int().nonnegative()).default([0, 1, 2]),
    /** Evaluate on the first N images of the split (with their captions) only (tests); all by default. */
    images: z.number().int().positive().optional(),
    /** Pairs per forward pass when re-ranking. */
    pairBatch: z.number().int().positive().default(500),
  })
  .strict();

export type RetrievalData = z.infer<typeof retrievalDataSchema>;
export type RetrievalEval = z.infer<typeof retrievalEvalSchema>;
