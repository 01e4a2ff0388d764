// Reads run configs (YAML or JSON), resolves `extends:`, applies overrides and
// validates. Errors name the file and the field.
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import type { ZodType, ZodTypeDef } from 'zod';
import { ConfigError, formatZodError } from './errors';
import { dropNulls, mergeConfigs, setAtPath } from './merge';
import { runConfigSchema, type RunConfig } from './schema';

function readOne(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [`cannot read: ${(err as Error).message}`]);
  }
  let value: unknown;
  try {
    value = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(file, [`not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`]);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(file, ['the top level must be a mapping']);
  return value as Record<string, unknown>;
}

/** One file with its `extends:` chain resolved (paths relative to the file). */
export function readConfigFile(file: string, chain: string[] = []): Record<string, unknown> {
  const abs = path.resolve(file);
  if (chain.includes(abs)) throw new ConfigError(abs, [`extends cycle: ${[...chain, abs].join(' -> ')}`]);
  const own = readOne(abs);
  const ext = own.extends;
  delete own.extends;
  const parents = ext === undefined ? [] : Array.isArray(ext) ? ext : [ext];
  let merged: unknown = {};
  for (const p of parents) {
    if (typeof p !== 'string') throw new ConfigError(abs, ['config.extends: expected a path or a list of paths']);
    merged = mergeConfigs(merged, readConfigFile(path.resolve(path.dirname(abs), p), [...chain, abs]));
  }
  return mergeConfigs(merged, own) as Record<string, unknown>;
}

/** `key=value` pairs (value parsed as YAML, so `train.steps=20` is a number). */
export function applySets(config: unknown, sets: string[]): unknown {
  return sets.reduce((acc, s) => {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new ConfigError('--set', [`expected key=value, got ${JSON.stringify(s)}`]);
    return setAtPath(acc, s.slice(0, eq).trim(), parseYaml(s.slice(eq + 1)));
  }, config);
}

export function validate<T>(schema: ZodType<T, ZodTypeDef, unknown>, value: unknown, source: string, root = 'config'): T {
  const res = schema.safeParse(value);
  if (!res.success) throw new ConfigError(source, formatZodError(res.error, root));
  return res.data;
}

export interface LoadOptions {
  /** `key=value` overrides applied after the files. */
  sets?: string[];
  /** Values merged last (e.g. a seed chosen by `reproduce`). */
  overrides?: Record<string, unknown>;
}

/** Several files merge left to right (e.g. a profile, then a method). */
export function loadRawConfig(files: string[], opts: LoadOptions = {}): Record<string, unknown> {
  if (files.length === 0) throw new ConfigError('kdlab run', ['no config file given']);
  let raw: unknown = {};
  for (const f of files) raw = mergeConfigs(raw, readConfigFile(f));
  raw = applySets(raw, opts.sets ?? []);
  if (opts.overrides) raw = mergeConfigs(raw, opts.overrides);
  return dropNulls(raw) as Record<string, unknown>;
}

export function loadRunConfig(files: string[], opts: LoadOptions = {}): RunConfig {
  return validate(runConfigSchema, loadRawConfig(files, opts), files.join(' + '));
}
