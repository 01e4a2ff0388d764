import { z } from 'zod';
import { REF_PAIRS } from '@kdlab/data';

const datasetList = z.array(z.string().min(1)).min(1);

/**
 * What a correspondence network sees as view 1: the HR image (C2-Matching's teacher) or the bicubic x4
 * LR image upsampled back by bicubic x4 (its student). View 2 is always the HR reference.
 */
export const VIEW1_KINDS = ['hr', 'lr-up'] as const;
export type View1Kind = (typeof VIEW1_KINDS)[number];

const pairName = z.string().refine((n) => n in REF_PAIRS, { message: `must be one of the opencv-doc pairs ${Object.keys(REF_PAIRS).join(', ')}` });

/** Photometric change of a restoration reference: per image, v' = clip(gain · v^gamma + bias). */
export const photometricSchema = z
  .object({
    gain: z.tuple([z.number().positive(), z.number().positive()]).default([0.8, 1.2]),
    bias: z.tuple([z.number(), z.number()]).default([-0.1, 0.1]),
    gamma: z.tuple([z.number().positive(), z.number().positive()]).default([0.8, 1.25]),
  })
  .strict();

/** `config.data` of the `ref-sr` task. Datasets are manifest names (datasets/<name>.json). */
export const refSrDataSchema = z
  .object({
    /** 'correspondence': train C2-Matching's contrastive network; 'restoration': train the SR network. */
    stage: z.enum(['correspondence', 'restoration']),
    scale: z.literal(4),
    /** HR training images; pairs are made from them on the fly. */
    train: datasetList,
    trainLimit: z.number().int().positive().optional(),
    /** Validation splits carved from training (manifests with heldOutOf); left out of training. */
    val: datasetList.optional(),
    /** HR crop side in pixels (released: 160), a multiple of 4. */
    crop: z.number().int().positive().refine((c) => c % 4 === 0, { message: 'must be a multiple of 4' }),
    batch: z.number().int().positive(),
    /** Corners of the random homography move by 0..maxShift px along x and y (released: randint(0, 10) = 0..9). */
    maxShift: z.number().int().nonnegative().default(9),
    /** Correspondence stage: the trained model's view 1. */
    view1: z.enum(VIEW1_KINDS).default('hr'),
    /** Correspondence stage: the frozen teacher's view 1 in a distillation run (default: view1). */
    teacherView1: z.enum(VIEW1_KINDS).optional(),
    /** Restoration stage: whether the network gets the reference (false: "SR without reference"). */
    reference: z.boolean().default(true),
    /** Restoration stage: the photometric change of the reference view. */
    photometric: photometricSchema.default({}),
    /**
     * Restoration stage with a reference: the frozen matcher, a finished correspondence run's weights
     * folder (`<run dir>/final`; relative paths from the repository root). It sees the LR-up view.
     */
    matcher: z.object({ dir: z.string().min(1) }).strict().optional(),
  })
  .strict();

export type RefSrData = z.infer<typeof refSrDataSchema>;
export type Photometric = z.infer<typeof photometricSchema>;

export const refSrEvalSchema = z
  .object({
    /** 'test': opencv-doc pairs; 'val': synthetic pairs from the validation split (selection). */
    split: z.enum(['test', 'val']).default('test'),
    /** Correspondence accuracy: the pair with a ground-truth homography. */
    correspondencePair: pairName.default('graf'),
    /** Query every `queryStride`-th view-1 feature cell in each direction (all reference cells are searched). */
    queryStride: z.number().int().positive().default(4),
    thresholds: z.array(z.number().positive()).min(1).default([1, 2, 4]),
    /**
     * Test sets whose images also give synthetic pairs (centre crop + random homography, as in training,
     * seeded): correspondence accuracy within the training distribution, beside graf's real viewpoint change.
     */
    synthetic: z.array(z.string().min(1)).default([]),
    /** PSNR/SSIM: these pairs' input views (HR) are the ground truth; LR = bicubic x4 of them. */
    pairs: z.array(pairName).min(1).default(Object.keys(REF_PAIRS)),
    /** Side of the centre window scored in each pair (both views cropped alike), a multiple of 4. */
    window: z.number().int().positive().refine((c) => c % 4 === 0, { message: 'must be a multiple of 4' }).default(256),
    channel: z.enum(['y', 'rgb']).default('y'),
    crop: z.union([z.number().int().nonnegative(), z.literal('scale')]).default('scale'),
    /** Validation: how many synthetic pairs (one per validation image, at most). */
    valPairs: z.number().int().positive().default(20),
  })
  .strict();

export type RefSrEval = z.infer<typeof refSrEvalSchema>;
