// The generic part of a run config. Domain sections (`data`, `eval`) are
// validated by the task's own schemas, so the runner stays domain-agnostic.
import { z } from 'zod';

/** A backbone spec (`{arch, ...options}`); its options are validated by the backbone registry. */
export const modelSpecSchema = z.object({ arch: z.string().min(1) }).passthrough();

export const lossSpecSchema = z.object({ kind: z.string().min(1) }).passthrough();

/** One term of the objective: `teacher: 'target'` is the task loss against the ground truth. */
export const termSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only (it becomes a metric key)'),
    loss: lossSpecSchema,
    weight: z.number().nonnegative(),
    student: z.string().min(1),
    teacher: z.string().min(1),
    adapter: z.object({ kind: z.enum(['conv1x1', 'mlp', 'convreg']), hidden: z.number().int().positive().optional() }).strict().optional(),
    /** Off before this training step (libs/kd termSpecSchema; MRDA's encoder warm-up). */
    fromStep: z.number().int().nonnegative().optional(),
  })
  .strict();

export const optimizerSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('adam'),
      lr: z.number().positive(),
      beta1: z.number().min(0).max(1).default(0.9),
      beta2: z.number().min(0).max(1).default(0.999),
      // PyTorch's default; TF.js would otherwise take the backend's 1e-7.
      epsilon: z.number().positive().default(1e-8),
      /** Coupled L2 weight decay, as PyTorch's Adam(weight_decay=...): grad += weightDecay * w. */
      weightDecay: z.number().nonnegative().default(0),
    })
    .strict(),
  z
    .object({
      kind: z.literal('sgd'),
      lr: z.number().positive(),
      momentum: z.number().min(0).max(1).default(0),
      /** L2 weight decay as PyTorch's SGD(weight_decay=...): grad += weightDecay * w (the CIFAR KD papers use 5e-4). */
      weightDecay: z.number().nonnegative().default(0),
    })
    .strict(),
]);

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant') }).strict(),
  /** lr * gamma^(number of milestones passed); milestones are step numbers. */
  z.object({ kind: z.literal('multistep'), milestones: z.array(z.number().int().positive()), gamma: z.number().positive().default(0.5) }).strict(),
  /** Cosine from lr down to minLr over the run, after an optional linear warm-up. */
  z.object({ kind: z.literal('cosine'), minLr: z.number().nonnegative().default(0), warmup: z.number().int().nonnegative().default(0) }).strict(),
]);

export const optimSchema = z
  .object({ optimizer: optimizerSchema, schedule: scheduleSchema.default({ kind: 'constant' }) })
  .strict();

export const trainSchema = z
  .object({
    steps: z.number().int().nonnegative(),
    logEvery: z.number().int().positive().default(10),
    checkpointEvery: z.number().int().positive().default(200),
    keepCheckpoints: z.number().int().positive().default(2),
  })
  .strict();

export const teacherTrainSchema = z
  .object({
    /** The teacher's own seed, so every student seed reuses one cached teacher. */
    seed: z.number().int().nonnegative().default(0),
    loss: lossSpecSchema.default({ kind: 'l1' }),
    optim: optimSchema,
    train: trainSchema,
    /**
     * Fields of `config.data` that differ for the teacher's own training run (merged over it), e.g.
     * CT's TSC-Net teacher learning the normal-dose -> normal-dose pathway: `{ input: ndct }`.
     */
    data: z.record(z.unknown()).optional(),
  })
  .strict();

export const teacherSchema = z
  .object({
    model: modelSpecSchema,
    checkpoint: z.string().min(1).optional(),
    train: teacherTrainSchema.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if ((t.checkpoint === undefined) === (t.train === undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'give exactly one of `checkpoint` (a weights dir) or `train` (settings to train it first)' });
    }
  });

/**
 * Start the student from the (trained) teacher's weights: every weight of the student whose layer
 * name does not start with one of `exclude` is copied from the teacher weight of the same name
 * (same shape required). KDSR stage 2: the SR net from stage 1, the degradation encoder ('ide.') fresh.
 */
export const studentInitSchema = z
  .object({ from: z.literal('teacher'), exclude: z.array(z.string().min(1)).default([]) })
  .strict();

/** A trained model, or a row that only evaluates: a task baseline (e.g. 'bicubic') or 'teacher'. */
export const studentSchema = z.union([
  z.object({ model: modelSpecSchema, init: studentInitSchema.optional() }).strict(),
  z.object({ baseline: z.string().min(1) }).strict(),
]);

/**
 * Where the method of a run comes from (the MethodSource of @kdlab/kd): a method YAML declares it at
 * its top level; the runner logs it as tags (kdlab.source_level / _reference / _deviations) and the
 * reports mark abstract-only rows.
 */
export const sourceSchema = z
  .object({
    level: z.enum(['official-code', 'paper', 'abstract-only']),
    reference: z.string().min(1),
    deviations: z.array(z.string()).default([]),
  })
  .strict();

/**
 * The cross-task weight rule (libs/kd/src/calibrate.ts): each listed term's weight is replaced, before
 * the first step, by `fraction` x (weighted task loss) / (the term's raw value), both measured on the
 * first training batch with the freshly initialised student, so the term starts at that fraction of
 * the task loss. Task terms are those against 'target'; `terms` defaults to every other term.
 */
export const calibrateSchema = z
  .object({
    fraction: z.number().positive(),
    terms: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

export const runConfigSchema = z
  .object({
    experiment: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').optional(),
    /** The row label in tables (e.g. 'fakd'); logged as a tag. */
    method: z.string().min(1).optional(),
    description: z.string().optional(),
    source: sourceSchema.optional(),
    /** Extra tracking tags, e.g. `kdlab.baseline: 'true'` for the row others are compared with. */
    tags: z.record(z.string()).default({}),
    task: z.string().min(1),
    seed: z.number().int().nonnegative(),
    data: z.record(z.unknown()),
    eval: z.record(z.unknown()).default({}),
    teacher: teacherSchema.optional(),
    student: studentSchema,
    kd: z.object({ terms: z.array(termSchema).min(1), calibrate: calibrateSchema.optional() }).strict().optional(),
    optim: optimSchema.optional(),
    train: trainSchema.optional(),
    tracking: z.object({ uri: z.string().optional() }).strict().default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ('model' in c.student) {
      for (const key of ['kd', 'optim', 'train'] as const) {
        if (!c[key]) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `required when student.model is set` });
      }
    }
    const needsTeacher = c.kd?.terms.some((t) => t.teacher !== 'target') || ('baseline' in c.student && c.student.baseline === 'teacher') || ('init' in c.student && c.student.init !== undefined);
    if (needsTeacher && !c.teacher) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['teacher'], message: 'required: a kd term or the baseline reads the teacher' });
    c.kd?.terms.forEach((t, i) => {
      if (t.teacher === 'target' && t.adapter) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['kd', 'terms', i, 'adapter'], message: 'a term against the target takes no adapter' });
    });
    const names = c.kd?.terms.map((t) => t.name) ?? [];
    c.kd?.calibrate?.terms?.forEach((n, i) => {
      const term = c.kd!.terms.find((t) => t.name === n);
      if (!term) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['kd', 'calibrate', 'terms', i], message: `no term named ${JSON.stringify(n)} (terms: ${names.join(', ')})` });
      else if (term.teacher === 'target') ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['kd', 'calibrate', 'terms', i], message: `term ${JSON.stringify(n)} is a task term (teacher: target); the rule scales the others against it` });
    });
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['kd', 'terms', i, 'name'], message: `duplicate term name ${JSON.stringify(n)}` });
    });
  });

export type ModelSpec = z.infer<typeof modelSpecSchema>;
export type TermConfig = z.infer<typeof termSchema>;
export type OptimizerConfig = z.infer<typeof optimizerSchema>;
export type ScheduleConfig = z.infer<typeof scheduleSchema>;
export type OptimConfig = z.infer<typeof optimSchema>;
export type TrainConfig = z.infer<typeof trainSchema>;
export type TeacherConfig = z.infer<typeof teacherSchema>;
export type RunConfig = z.infer<typeof runConfigSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;
export type CalibrateConfig = z.infer<typeof calibrateSchema>;
export type StudentInitConfig = z.infer<typeof studentInitSchema>;
