// The backbone registry: `registerBackbone(arch, schema, builder)` adds an
// architecture, `registerPreset(name, arch, options)` a named configuration of
// one, and `buildBackbone({arch, ...options}, seed)` validates the options with
// the architecture's zod schema and builds a tf.layers functional model.
//
// Architectures live one per file under ./archs/<domain>/ and register
// themselves; every module there is loaded on first use (see discover.ts), so a
// new architecture is one new file.
import * as path from 'path';
import type { z } from 'zod';
import { Rng } from '@kdlab/engine';
import type { LayersModel } from '@kdlab/engine';
import { requireAll } from './discover';
import { Registry } from './registry';

export interface BackboneSpec {
  arch: string;
  [option: string]: unknown;
}

/** Builds a model from validated options; all randomness comes from `rng`. */
export type BackboneBuilder<O> = (options: O, rng: Rng) => LayersModel;

interface Preset {
  arch: string;
  options: Record<string, unknown>;
  description: string;
}

const builders = new Registry<(rng: Rng) => LayersModel>('backbone');
const presets = new Map<string, Preset>();
let discovered = false;

function discover(): void {
  if (discovered) return;
  discovered = true;
  requireAll(path.join(__dirname, 'archs'));
}

export function registerBackbone<S extends z.ZodTypeAny>(arch: string, schema: S, builder: BackboneBuilder<z.output<S>>): void {
  if (presets.has(arch)) throw new Error(`backbone '${arch}' is already a preset name`);
  builders.register(arch, schema, (options) => (rng: Rng) => builder(options, rng));
}

/** A named configuration of a registered architecture; options given to buildBackbone override these. */
export function registerPreset(name: string, arch: string, options: Record<string, unknown>, description = ''): void {
  if (presets.has(name) || builders.has(name)) throw new Error(`backbone preset '${name}' is registered twice`);
  presets.set(name, { arch, options, description });
}

/** Resolves a preset to its architecture and merged options (a plain arch passes through). */
export function resolveBackboneSpec(spec: BackboneSpec): { arch: string; options: Record<string, unknown>; preset?: string } {
  discover();
  const { arch, ...rest } = spec;
  if (typeof arch !== 'string') throw new Error(`backbone spec: 'arch' must be a string, got ${JSON.stringify(arch)}`);
  const preset = presets.get(arch);
  if (preset) return { arch: preset.arch, options: { ...preset.options, ...rest }, preset: arch };
  return { arch, options: rest };
}

export function buildBackbone(spec: BackboneSpec, seed: number): LayersModel {
  const { arch, options, preset } = resolveBackboneSpec(spec);
  if (!builders.has(arch)) {
    throw new Error(`unknown backbone '${arch}'; architectures: ${builders.kinds().join(', ')}; presets: ${[...presets.keys()].sort().join(', ')}`);
  }
  const where = preset ? `backbone '${preset}' (${arch})` : `backbone '${arch}'`;
  return builders.create(arch, options, where)(new Rng(seed));
}

export function listBackbones(): { architectures: string[]; presets: { name: string; arch: string; options: Record<string, unknown>; description: string }[] } {
  discover();
  return {
    architectures: builders.kinds(),
    presets: [...presets.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, p]) => ({ name, ...p })),
  };
}
