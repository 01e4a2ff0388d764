import { z } from 'zod';
import { DEGRADE_VERSION } from '@kdlab/data';

const datasetList = z.array(z.string().min(1)).min(1);

/** The Gaussian8 x4 blur widths (KDSR-classic/trainer_iso_stage4.py test(), after DASR). */
export const GAUSSIAN8_SIGMAS = [1.8, 2.0, 2.2, 2.4, 2.6, 2.8, 3.0, 3.2] as const;

/**
 * What a model is fed: the LR image, or the LR image with PixelUnshuffle(HR) appended on the
 * channel axis (3 + 3·scale² channels: KDSR's KD-IDE teacher, which sees the HR image).
 */
export const INPUT_VIEWS = ['lr', 'lr+hr'] as const;
export type InputView = (typeof INPUT_VIEWS)[number];

/**
 * Test benchmarks a run scores (libs/data settings): `gaussian8` (GAUSSIAN8_X4 at `data.sigmas`),
 * `aniso-noise` (KDSR_ANISO_NOISE10_X4: λ 3.5/1.5, θ 30°, noise 10), `real` (REALESRGAN_X4: the
 * second-order pipeline, one fixed seed per image).
 */
export const BENCHMARKS = ['gaussian8', 'aniso-noise', 'real'] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

/** How training LR is made: DASR/KDSR's classic pipeline, or Real-ESRGAN's second-order one (libs/data degradeSecondOrder). */
export const TRAIN_PIPELINES = ['classic', 'realesrgan'] as const;

/** Random degradations drawn per training patch (libs/data sampleClassicDegradation, or degradeSecondOrder). */
export const trainDegradationSchema = z
  .object({
    /** 'realesrgan': REALESRGAN_X4_OPTIONS draws everything; the classic fields below are then unused. */
    pipeline: z.enum(TRAIN_PIPELINES).default('classic'),
    blur: z.enum(['iso', 'aniso']).default('iso'),
    /** Odd kernel size; 21 in DASR/KDSR. */
    kernelSize: z.number().int().positive().default(21),
    sigma: z.tuple([z.number().positive(), z.number().positive()]).default([0.2, 4]),
    lambda: z.tuple([z.number().positive(), z.number().positive()]).default([0.2, 4]),
    /** Noise level ~ U[0, noiseMax) on the 0-255 scale; 0 for the isotropic noise-free setting. */
    noiseMax: z.number().nonnegative().default(0),
    /** Recorded in resolved configs so cached teachers change when the degradation code does. */
    version: z.literal(DEGRADE_VERSION).default(DEGRADE_VERSION),
  })
  .strict();

/** `config.data` of the `blind-sr` task. Datasets are manifest names (datasets/<name>.json). */
export const blindSrDataSchema = z
  .object({
    /** Gaussian8 is an x4 benchmark. */
    scale: z.literal(4),
    /** HR training images; their LR is made on the fly. */
    train: datasetList,
    trainLimit: z.number().int().positive().optional(),
    lrPatch: z.number().int().positive(),
    batch: z.number().int().positive(),
    augment: z.boolean().default(true),
    degradation: trainDegradationSchema.default({}),
    /** What the trained model sees; 'lr+hr' for KDSR's stage-1 teacher. */
    input: z.enum(INPUT_VIEWS).default('lr'),
    /** What the frozen teacher of a distillation run sees (stage 2: 'lr+hr'); default: `input`. */
    teacherInput: z.enum(INPUT_VIEWS).optional(),
    /** Test sets, each scored on Gaussian8 x4 at the sigmas below. */
    test: datasetList,
    sigmas: z.array(z.number().refine((s) => (GAUSSIAN8_SIGMAS as readonly number[]).includes(s), { message: `must be one of the Gaussian8 sigmas ${GAUSSIAN8_SIGMAS.join(', ')}` })).min(1).default([...GAUSSIAN8_SIGMAS]),
    /** Validation splits carved from training (manifests with heldOutOf); left out of training. */
    val: datasetList.optional(),
    /** Benchmarks scored on every test set; `gaussian8` keeps the keys above. */
    benchmarks: z
      .array(z.string().refine((b) => (BENCHMARKS as readonly string[]).includes(b), (b) => ({ message: `config.data.benchmarks: unknown benchmark ${JSON.stringify(b)}; expected one of ${BENCHMARKS.join(', ')}` })))
      .min(1)
      .default(['gaussian8'])
      .transform((b) => b as BenchmarkName[]),
    /**
     * Emit, with each training batch, the parameters the degradation sampler drew, normalised to
     * [0, 1] ([N, D], batch extra `degradation`; D from degradationVectorLength): a regression
     * target (DCS-RISR's degradation prediction).
     */
    degradationTarget: z.boolean().default(false),
  })
  .strict();

export type BlindSrData = z.infer<typeof blindSrDataSchema>;
export type TrainDegradation = z.infer<typeof trainDegradationSchema>;
