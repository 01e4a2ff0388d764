// `config.data` and `config.eval` of the `siamese-tracking` task.
import { z } from 'zod';

const name = z.string().min(1);

/** Training pairs (SiamFC/SiamRPN style) and the leave-one-sequence-out fold. */
export const trackingDataSchema = z
  .object({
    /** Sequences of the protocol (dataset manifests); all but `test` give training pairs. */
    sequences: z.array(name).min(1),
    /** The held-out sequence of this fold (one of `sequences`). */
    test: name,
    /** Still-image sets (manifests, e.g. the SR training sets T91, BSD200) for pairs of one image. */
    stills: z.array(name).default([]),
    /** Fraction of pairs made from still images (when `stills` is not empty). */
    stillFraction: z.number().min(0).max(1).default(0.5),
    /** Exemplar and search crop sides (SiamFC/SiamRPN: 127 and 255). */
    exemplar: z.number().int().positive().default(127),
    search: z.number().int().positive().default(255),
    /** Context margin: exemplar side sqrt((w+p)(h+p)), p = context * (w + h). */
    context: z.number().nonnegative().default(0.5),
    /** Search-crop scale jitter: side * (1 + U(-a, a)) (pysot SEARCH.SCALE 0.18). */
    scaleJitter: z.number().min(0).max(0.9).default(0.18),
    /** Search-crop shift jitter in search-crop pixels at 255 (pysot SEARCH.SHIFT 64), scaled with `search`. */
    shiftJitter: z.number().nonnegative().default(64),
    /** Largest frame gap between the exemplar and search frames (pysot FRAME_RANGE 100). */
    maxGap: z.number().int().positive().default(100),
    batch: z.number().int().positive(),
    /** The tracker the targets are built for. */
    head: z.enum(['siamfc', 'siamrpn']),
    /** Total stride of the embedding and the response side (must match the model). */
    stride: z.number().int().positive().default(8),
    responseSize: z.number().int().positive().default(17),
    /** SiamFC positive radius in response cells (r_pos 16 px / stride 8). */
    radius: z.number().positive().default(2),
    /** SiamRPN anchors (pysot: ratios 0.33, 0.5, 1, 2, 3; scale 8) and sampling. */
    ratios: z.array(z.number().positive()).min(1).default([0.33, 0.5, 1, 2, 3]),
    scales: z.array(z.number().positive()).min(1).default([8]),
    posIou: z.number().min(0).max(1).default(0.6),
    negIou: z.number().min(0).max(1).default(0.3),
    posNum: z.number().int().positive().default(16),
    negNum: z.number().int().positive().default(48),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (!d.sequences.includes(d.test)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['test'], message: `${JSON.stringify(d.test)} is not one of sequences (${d.sequences.join(', ')})` });
    if (d.sequences.length < 2 && d.stills.length === 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['sequences'], message: 'no training data: give a second sequence or still images' });
    if (d.responseSize % 2 !== 1) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['responseSize'], message: 'must be odd (the centre cell is the crop centre)' });
  });

/** The online trackers' hyper-parameters (standard values of the reference code). */
export const trackingEvalSchema = z
  .object({
    /** Which member of a cohort model to track with (m{member}.). */
    member: z.number().int().nonnegative().default(0),
    /** Evaluate only the first N frames (tiny test runs). */
    limit: z.number().int().min(2).optional(),
    /** SiamFC (siamfc-pytorch / the SiamFC paper's values). */
    scaleNum: z.number().int().positive().default(3),
    scaleStep: z.number().positive().default(1.0375),
    scaleLr: z.number().min(0).max(1).default(0.59),
    scalePenalty: z.number().positive().default(0.9745),
    fcWindowInfluence: z.number().min(0).max(1).default(0.176),
    responseUp: z.number().int().positive().default(16),
    /** SiamRPN (the DaSiamRPN / SiamRPN release: penalty_k 0.055, window_influence 0.42, lr 0.295). */
    penaltyK: z.number().nonnegative().default(0.055),
    rpnWindowInfluence: z.number().min(0).max(1).default(0.42),
    rpnLr: z.number().min(0).max(1).default(0.295),
    /** Smallest target side in pixels the tracker keeps (pysot clips to 10). */
    minSize: z.number().positive().default(10),
  })
  .strict();

export type TrackingData = z.infer<typeof trackingDataSchema>;
export type TrackingEval = z.infer<typeof trackingEvalSchema>;
