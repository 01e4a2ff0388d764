import { z } from 'zod';

/** `config.data` of the `speech-enhance` task. Datasets are manifest names (datasets/<name>.json). */
export const speechDataSchema = z
  .object({
    /** Training mixtures, made from real clean speech and real noise, seeded and cached. */
    train: z
      .object({
        clean: z.string().min(1),
        noise: z.string().min(1),
        /** Room impulse responses; each mixture's speech is reverberated with probability `rirProb`. */
        rir: z.string().min(1).optional(),
        rirProb: z.number().min(0).max(1).default(0),
        /** SNRs in dB (VoiceBank-DEMAND's training set: 0, 5, 10, 15). */
        snrs: z.array(z.number()).min(1).default([0, 5, 10, 15]),
        /** Mixtures drawn from the training utterances. */
        mixtures: z.number().int().positive(),
        /** Clean files (names in the clean manifest) held out for validation mixtures: never trained on. */
        validation: z.array(z.string().min(1)).min(1),
        validationMixtures: z.number().int().positive().default(8),
        /** Seed of the mixtures (independent of the run seed, so every run trains on the same data). */
        seed: z.number().int().nonnegative().default(0),
      })
      .strict(),
    /** Training crop length in samples (16 kHz). */
    segment: z.number().int().min(256),
    batch: z.number().int().positive(),
    /** Evaluation pairs (clean/ and noisy/ folders); scored together as one set. */
    test: z.array(z.string().min(1)).min(1),
    /** Name of the evaluation set in metric keys (eval/<name>/<metric>). */
    testName: z.string().regex(/^[A-Za-z0-9_.-]+$/).default('vbd29'),
  })
  .strict();

/** `config.eval`: which pair is saved for the report's spectrogram, and an optional limit for tiny test runs. */
export const speechEvalSchema = z
  .object({
    /** `<dataset>/<file>` of the pair whose enhanced waveform is kept (default: the first pair). */
    example: z.string().optional(),
    /** Score only the first N evaluation pairs (tests). */
    limit: z.number().int().positive().optional(),
    /** Score validation mixtures (SI-SDR, STOI) as eval/valid/<metric>. */
    validation: z.boolean().default(true),
  })
  .strict();

export type SpeechData = z.infer<typeof speechDataSchema>;
export type SpeechEval = z.infer<typeof speechEvalSchema>;
