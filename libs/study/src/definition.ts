// A study definition (experiments/studies/<name>.yaml): the generic losses, one weight rule, and per
// domain its quick teacher-student pair (config files per profile), the student-alone config, its tap
// points, the form of output KD it admits and the metric that counts. Validated with zod; errors name
// the file and the field.
import * as fs from 'fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
// A study loss declares its source the way a method YAML does: the runner's schema, not a copy.
import { sourceSchema } from '@kdlab/runner';

const id = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only');
const lossSpec = z.object({ kind: z.string().min(1) }).passthrough();


/** What a loss reads: the model output (in the domain's output-KD form), any feature, or an NHWC map. */
export const REQUIREMENTS = ['output', 'feature', 'spatial-feature'] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

export const lossSchema = z
  .object({
    id,
    label: z.string().min(1),
    requires: z.enum(REQUIREMENTS),
    /** The loss for feature losses; output KD takes the domain's `output.loss`. */
    loss: lossSpec.optional(),
    adapter: z.object({ kind: z.enum(['conv1x1', 'mlp', 'convreg']) }).strict().optional(),
    source: sourceSchema,
  })
  .strict()
  .superRefine((l, ctx) => {
    if (l.requires !== 'output' && !l.loss) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['loss'], message: 'a feature loss names its loss ({kind, ...})' });
    if (l.requires === 'output' && l.loss) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['loss'], message: 'output KD takes its loss from each domain (domains[].output.loss)' });
  });

/** Layout of a feature tap: an NHWC map (spatial positions), a sequence [N, T, C], or a vector [N, D]. */
export const LAYOUTS = ['nhwc', 'sequence', 'vector'] as const;

const profileSchema = z
  .object({
    /** Config files (relative to the repository) that define the teacher-student pair and schedule. */
    configs: z.array(z.string().min(1)).min(1),
    seeds: z.array(z.number().int().nonnegative()).min(1),
    /** `key=value` overrides, as `kdlab run --set`. */
    set: z.array(z.string()).default([]),
  })
  .strict();

export const domainSchema = z
  .object({
    id,
    label: z.string().min(1),
    /** The whole domain is left out, with this reason (e.g. its pair needs a step the study cannot run). */
    skip: z.string().min(1).optional(),
    profiles: z.record(profileSchema).default({}),
    /** Layered after the profile's configs for the student-alone row; its task terms (teacher: target) are every cell's task loss. */
    student: z.string().min(1).optional(),
    /** The one feature tap of the pair, or why there is none. */
    feature: z
      .union([
        z.object({ student: z.string().min(1), teacher: z.string().min(1), layout: z.enum(LAYOUTS) }).strict(),
        z.object({ skip: z.string().min(1) }).strict(),
      ])
      .optional(),
    /** Output KD in the form the domain admits, or why it admits none. */
    output: z.union([z.object({ loss: lossSpec, form: z.string().min(1) }).strict(), z.object({ skip: z.string().min(1) }).strict()]).optional(),
    metric: z.object({ key: z.string().min(1), label: z.string().min(1), direction: z.enum(['higher', 'lower']) }).strict().optional(),
    /** Losses that do not apply for a reason the requirements do not capture: loss id -> reason. */
    skipLosses: z.record(z.string().min(1)).default({}),
    /**
     * Options layered onto a generic loss on this domain only (loss id -> {option: value, why}), e.g.
     * pooling a large map before FAKD's affinity; the reason goes into the report's form column.
     */
    lossOptions: z.record(z.object({ why: z.string().min(1) }).passthrough()).default({}),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.skip) return;
    for (const key of ['student', 'feature', 'output', 'metric'] as const) if (!d[key]) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: 'required unless the domain is skipped' });
    if (Object.keys(d.profiles).length === 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['profiles'], message: 'at least one profile (e.g. quick)' });
  });

export const studySchema = z
  .object({
    name: id,
    title: z.string().min(1),
    description: z.string().optional(),
    /** MLflow experiment of every cell (default: the study name). */
    experiment: id.optional(),
    /** The one weight rule (see libs/kd/src/calibrate.ts). */
    weights: z.object({ rule: z.literal('first-batch-fraction'), fraction: z.number().positive() }).strict(),
    /** A change counts as help (or harm) when it exceeds this many of the student's seed standard deviations. */
    noiseThreshold: z.number().positive().default(1),
    losses: z.array(lossSchema).min(1),
    domains: z.array(domainSchema).min(1),
    /** Queue for the sweep path (REDIS_URL set). */
    queue: id.default('kdlab'),
  })
  .strict()
  .superRefine((s, ctx) => {
    const dup = (xs: string[], where: 'losses' | 'domains') =>
      xs.forEach((x, i) => {
        if (xs.indexOf(x) !== i) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [where, i, 'id'], message: `duplicate id ${JSON.stringify(x)}` });
      });
    dup(s.losses.map((l) => l.id), 'losses');
    dup(s.domains.map((d) => d.id), 'domains');
    s.domains.forEach((d, i) =>
      (['skipLosses', 'lossOptions'] as const).forEach((field) =>
        Object.keys(d[field]).forEach((l) => {
          if (!s.losses.some((x) => x.id === l)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['domains', i, field, l], message: `no loss with id ${JSON.stringify(l)}` });
        }),
      ),
    );
  });

export type StudyDefinition = z.output<typeof studySchema>;
export type StudyLoss = z.output<typeof lossSchema>;
export type StudyDomain = z.output<typeof domainSchema>;
export type StudyProfile = z.output<typeof profileSchema>;

export function parseStudy(raw: unknown, source: string): StudyDefinition {
  const res = studySchema.safeParse(raw);
  if (!res.success) throw new Error(`${source}: ${res.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  return res.data;
}

export function loadStudy(file: string): StudyDefinition {
  let raw: unknown;
  try {
    raw = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseStudy(raw, file);
}
