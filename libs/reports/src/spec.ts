// The report spec: how runs become tables and charts. Every field has a
// default that follows the logging convention (convention.ts), so the empty
// spec `{}` is a complete one. Specs load from JSON or YAML; a bad field is an
// error naming the file, the field path and what was wrong.
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** A value read from a run: `tag:<name>`, `param:<name>`, `run:runName` or `run:runId`. */
const FieldRef = z
  .string()
  .regex(/^(tag:.+|param:.+|run:(runName|runId))$/, "must be 'tag:<name>', 'param:<name>', 'run:runName' or 'run:runId'");

const Status = z.enum(['RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'SCHEDULED']);

const TableSpec = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only (it names the CSV file)'),
    title: z.string().optional(),
    /** Default: every dataset found in `eval/<dataset>/x<scale>/<metric>` keys. */
    datasets: z.array(z.string()).nonempty().optional(),
    scales: z.array(z.number().int().positive()).nonempty().optional(),
    /** Default: every metric found in eval keys, PSNR and SSIM first. */
    metrics: z.array(z.string()).nonempty().optional(),
    /** Row-level metrics shown after the eval columns, not ranked (model size). */
    extras: z.array(z.string()).default(['model/params', 'model/flops']),
  })
  .strict();

const ChartsSpec = z
  .object({
    /** Metric keys whose histories are drawn; default: every `train/*` key (at most 6). */
    curves: z.array(z.string()).optional(),
    /** Above this many runs a curve chart draws one mean line per row instead of one line per run. */
    maxCurveRuns: z.number().int().positive().default(40),
    /** Points kept per curve (bucket means); reports never inline every logged step. */
    curvePoints: z.number().int().min(10).max(5000).default(150),
    tradeoff: z
      .object({
        x: z.array(z.string()).default(['model/params', 'model/flops']),
        /** Eval key on the y axis; default: the psnr column with the most rows. */
        y: z.string().optional(),
      })
      .strict()
      .default({}),
    perImage: z
      .object({
        metric: z.string().default('psnr'),
        /** How many dataset/scale pairs get a per-image chart. */
        max: z.number().int().min(0).default(4),
        /** Bars per chart at most: with many images, only the methods with the largest mean gain are drawn. */
        maxBars: z.number().int().min(10).default(240),
      })
      .strict()
      .default({}),
  })
  .strict();

export const ReportSpecSchema = z
  .object({
    /** Default: `<experiment>: results`. */
    title: z.string().optional(),
    description: z.string().optional(),
    /** MLflow search filter, passed to the tracking store. */
    filter: z.string().optional(),
    statuses: z.array(Status).nonempty().default(['FINISHED']),
    /** Row label: the first of these that a run has. */
    rows: z.union([FieldRef, z.array(FieldRef).nonempty()]).default(['tag:kdlab.method', 'param:method', 'run:runName']),
    rowOrder: z.array(z.string()).optional(),
    seed: FieldRef.default('param:seed'),
    /** Baseline row label for Δ; default: the row whose runs carry tag kdlab.baseline=true. */
    baseline: z.string().optional(),
    /** Rows shown but not ranked (e.g. the teacher); default: rows tagged kdlab.reference=true. */
    references: z.array(z.string()).optional(),
    tables: z.array(TableSpec).nonempty().optional(),
    directions: z.record(z.enum(['higher', 'lower'])).default({}),
    decimals: z.record(z.number().int().min(0).max(8)).default({}),
    charts: ChartsSpec.default({}),
  })
  .strict();

export type ReportSpec = z.output<typeof ReportSpecSchema>;
export type ReportSpecInput = z.input<typeof ReportSpecSchema>;
export type TableSpec = z.output<typeof TableSpec>;

export class SpecError extends Error {}

function describeIssues(source: string, error: z.ZodError): string {
  const lines = error.issues.map((i) => `  ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  return `${source}: invalid report spec\n${lines.join('\n')}`;
}

/** Validates a spec object, filling defaults; errors name the field. */
export function parseSpec(input: unknown, source = 'report spec'): ReportSpec {
  const res = ReportSpecSchema.safeParse(input ?? {});
  if (!res.success) throw new SpecError(describeIssues(source, res.error));
  return res.data;
}

/** Reads a spec from a .json, .yaml or .yml file. */
export function loadSpec(file: string): ReportSpec {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new SpecError(`${file}: cannot read the report spec (${(err as Error).message})`);
  }
  let data: unknown;
  try {
    data = path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new SpecError(`${file}: not valid ${path.extname(file).slice(1) || 'YAML'}: ${(err as Error).message}`);
  }
  return parseSpec(data, file);
}
