import { z } from 'zod';

const datasetList = z.array(z.string().min(1)).min(1);
const dose = z.number().gt(0).max(1);

/** The physical low-dose simulation (libs/data/src/ct/lowdose.ts); every field is in the pair cache key. */
export const simulationSchema = z
  .object({
    /** Incident photons per ray at normal dose (dose fraction 1). */
    i0: z.number().positive().default(1e5),
    /** Gaussian electronic noise, standard deviation in photon counts. */
    electronicNoise: z.number().nonnegative().default(3),
    /** Parallel-beam views over [0, π). */
    views: z.number().int().positive().default(512),
    filter: z.enum(['ramp', 'shepp-logan']).default('ramp'),
    /** μ of water in 1/mm (≈ 70 keV, the effective energy of a 120 kVp beam). */
    muWater: z.number().positive().default(0.0192),
    countFloor: z.number().positive().default(1),
    /** Base seed of the Poisson/electronic noise (each slice and dose derives its own). */
    seed: z.number().int().nonnegative().default(0),
  })
  .strict();

/** `config.data` of the `ct-denoise` task. Datasets are manifest names (datasets/ct-train.json, ...). */
export const ctDataSchema = z
  .object({
    train: datasetList,
    /** Use only the first N training slices (tiny test runs). */
    trainLimit: z.number().int().positive().optional(),
    test: datasetList,
    /** Average-pool the 512 px slices by this factor before simulating (quick: 2 -> 256 px). */
    downsample: z.number().int().positive().default(2),
    simulation: simulationSchema.default({}),
    /** Training dose fractions: each patch draws one of them (one model for all doses). */
    doses: z.array(dose).min(1),
    /** Dose fractions the test slices are simulated and scored at. */
    testDoses: z.array(dose).min(1),
    /** What the trained model sees: the low-dose image (denoising) or the normal-dose one (TSC-Net's teacher pathway). */
    input: z.enum(['ldct', 'ndct']).default('ldct'),
    /** What a teacher sees during distillation (TSC-Net: the normal-dose image); default: the same as `input`. */
    teacherInput: z.enum(['ldct', 'ndct']).optional(),
    patch: z.number().int().min(16),
    batch: z.number().int().positive(),
    augment: z.boolean().default(true),
  })
  .strict();

/** `config.eval`: the metric window in HU (default: the soft-tissue window [-160, 240] HU, data range 400 HU). */
export const ctEvalSchema = z
  .object({
    window: z.tuple([z.number(), z.number()]).default([-160, 240]).refine(([lo, hi]) => hi > lo, 'window: [low, high] with high > low'),
    /** Score only the first N test slices (tiny test runs). */
    limit: z.number().int().positive().optional(),
  })
  .strict();

export type CtData = z.infer<typeof ctDataSchema>;
export type CtEval = z.infer<typeof ctEvalSchema>;
export type SimulationParams = z.infer<typeof simulationSchema>;
