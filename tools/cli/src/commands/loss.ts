// `kdlab loss eval --kind K [--options JSON] --student S.json --teacher T.json [--json]`:
// one registered loss on tensors read from files, so anyone can compare kdlab's value with
// another framework's. A tensor file is JSON
//   {"shape": [...], "layout": "NHWC" | "NC", "data": [flat row-major numbers]}
// (PyTorch NCHW maps: x.permute(0, 2, 3, 1) first). Options omitted take the loss's own
// defaults; the resolved options are printed with the value. Aliases for other frameworks'
// names: kind 'mse' = 'l2'; option 'T' = 'temperature' (kd, mcl). Losses that learn weights of
// their own (critics, projection heads: mimkd, mcl) are built with seeded initial weights
// (--seed), so their value is that of a freshly initialised loss.
import * as fs from 'fs';
import type { Command } from 'commander';
import type { Tensor } from '@kdlab/engine';

export const LAYOUTS = { NHWC: 4, NC: 2 } as const;
export type Layout = keyof typeof LAYOUTS;

export interface TensorFile {
  shape: number[];
  layout: Layout;
  data: number[];
}

const KIND_ALIASES: Record<string, string> = { mse: 'l2' };
const OPTION_ALIASES: Record<string, Record<string, string>> = { kd: { T: 'temperature' }, mcl: { T: 'temperature' } };

/** Reads and checks a tensor file; every problem is an error naming the file. */
export function readTensorFile(file: string): TensorFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read the tensor file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${file}: expected a JSON object {"shape": [...], "layout": "NHWC" | "NC", "data": [...]}`);
  const { shape, layout, data } = raw as Record<string, unknown>;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && (d as number) > 0)) {
    throw new Error(`${file}: "shape" must be a non-empty array of positive integers, got ${JSON.stringify(shape)}`);
  }
  if (typeof layout !== 'string' || !(layout in LAYOUTS)) throw new Error(`${file}: "layout" must be "NHWC" or "NC", got ${JSON.stringify(layout)}`);
  const rank = LAYOUTS[layout as Layout];
  if (shape.length !== rank) throw new Error(`${file}: layout ${layout} needs a shape of rank ${rank}, got [${shape.join(', ')}]`);
  if (!Array.isArray(data)) throw new Error(`${file}: "data" must be an array of numbers (flat, row-major)`);
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new Error(`${file}: "data" has ${data.length} numbers but shape [${shape.join(', ')}] needs ${size}`);
  const bad = data.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new Error(`${file}: "data"[${bad}] is ${JSON.stringify(data[bad])}, not a finite number`);
  return { shape: shape as number[], layout: layout as Layout, data: data as number[] };
}

export interface LossEvalResult {
  kind: string;
  options: Record<string, unknown>;
  value: number;
}

/** Evaluates loss `kind` with `options` (aliases applied, defaults filled) on two tensor files. */
export async function evaluateLossFiles(kindArg: string, options: Record<string, unknown>, studentFile: string, teacherFile: string, seed = 0): Promise<LossEvalResult> {
  const { createLoss, listLosses, lossOptions } = await import('@kdlab/kd');
  const { tf } = await import('@kdlab/engine');
  const kind = KIND_ALIASES[kindArg] ?? kindArg;
  if (!listLosses().includes(kind)) throw new Error(`unknown loss kind '${kindArg}'; known: ${[...listLosses(), ...Object.keys(KIND_ALIASES)].sort().join(', ')}`);
  const aliases = OPTION_ALIASES[kind] ?? {};
  const renamed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    const name = aliases[k] ?? k;
    if (name in renamed) throw new Error(`--options: '${k}' and '${name}' name the same option of '${kind}'`);
    renamed[name] = v;
  }
  const resolved = lossOptions({ kind, ...renamed });
  const s = readTensorFile(studentFile);
  const t = readTensorFile(teacherFile);
  const loss = createLoss({ kind, ...resolved });
  const tensors: Tensor[] = [];
  try {
    const student = tf.tensor(s.data, s.shape, 'float32');
    const teacher = tf.tensor(t.data, t.shape, 'float32');
    tensors.push(student, teacher);
    loss.build({ student: s.shape[s.shape.length - 1], teacher: t.shape[t.shape.length - 1] }, seed);
    const value = tf.tidy(() => loss.compute(student, teacher).dataSync()[0]);
    if (!Number.isFinite(value)) throw new Error(`loss '${kind}' gave ${value} on ${studentFile} and ${teacherFile}`);
    return { kind, options: resolved, value };
  } finally {
    tf.dispose(tensors);
    loss.dispose();
  }
}

function parseOptionsJson(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`--options: not valid JSON (${(err as Error).message}): ${text}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`--options: expected a JSON object such as '{"T": 4}', got ${text}`);
  if ('kind' in parsed) throw new Error('--options: give the kind with --kind, not inside --options');
  return parsed as Record<string, unknown>;
}

export function register(program: Command): void {
  const loss = program.command('loss').description('work with the registered distillation losses');
  loss
    .command('eval')
    .description('evaluate one registered loss on student/teacher tensors read from JSON files ({"shape", "layout": "NHWC"|"NC", "data"}) and print its value')
    .requiredOption('--kind <kind>', "loss kind (e.g. kd, at, sp, fitnet, fakd, l1, mse)")
    .option('--options <json>', "loss options as a JSON object (e.g. '{\"T\": 4}'); omitted options take the loss's defaults")
    .requiredOption('--student <file>', 'student tensor file (for a task loss such as ce: the logits)')
    .requiredOption('--teacher <file>', 'teacher tensor file (for a task loss such as ce: the target)')
    .option('--seed <n>', 'seed of the initial weights of losses that learn some (mimkd, mcl)', '0')
    .option('--json', 'print one JSON object {"kind", "options", "value"}')
    .action(async (opts: { kind: string; options?: string; student: string; teacher: string; seed: string; json?: boolean }) => {
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got ${JSON.stringify(opts.seed)}`);
      const result = await evaluateLossFiles(opts.kind, parseOptionsJson(opts.options), opts.student, opts.teacher, seed);
      if (opts.json) console.log(JSON.stringify(result));
      else console.log(`${result.kind} ${JSON.stringify(result.options)} = ${result.value}`);
    });
}
