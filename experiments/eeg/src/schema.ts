// config.data and config.eval of the `eeg-mi` task (validated at load; errors name the field).
import { z } from 'zod';

export const eegDataSchema = z
  .object({
    /** Dataset folder under the data root, and the subject. */
    root: z.string().default('eeg/eegmmidb'),
    subject: z.string().regex(/^S\d{3}$/).default('S001'),
    /** 'lr' left vs right fist (R04/R08/R12), 'ff' both fists vs both feet (R06/R10/R14), 'four' all four. */
    classes: z.enum(['lr', 'ff', 'four']).default('four'),
    /** Band-pass edges in Hz (zero-phase FIR, see data/filter.ts) and the FIR length (odd). */
    band: z.tuple([z.number().positive(), z.number().positive()]).default([4, 40]),
    taps: z.number().int().min(3).default(161),
    /** Trial window [start, end) in seconds from the cue. */
    window: z.tuple([z.number(), z.number()]).default([0, 4]),
    /** Baseline interval [start, end) in seconds from the cue, its per-channel mean subtracted; null: none. */
    baseline: z.tuple([z.number(), z.number()]).nullable().default(null),
    /** Cross-run fold 0..2 (data/folds.ts). */
    fold: z.number().int().min(0).max(2).default(0),
    /** 'run': one session validates, one trains; 'none': both other sessions train (data/folds.ts). */
    validation: z.enum(['run', 'none']).default('run'),
    batch: z.number().int().min(2).default(16),
  })
  .strict()
  .refine((d) => d.band[0] < d.band[1], { message: 'band: low edge must be below the high edge', path: ['band'] })
  .refine((d) => d.window[0] < d.window[1], { message: 'window: start must be before end', path: ['window'] });

export const eegEvalSchema = z
  .object({
    batch: z.number().int().min(1).default(64),
  })
  .strict();

export type EegData = z.output<typeof eegDataSchema>;
export type EegEval = z.output<typeof eegEvalSchema>;
