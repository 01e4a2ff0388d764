// Reads the committed golden values written by golden/gen_backbones.py (used by tests only).
import * as fs from 'fs';
import * as path from 'path';

export interface GoldenBackbones {
  pixel_shuffle: { scale: number; input_nhwc_shape: number[]; input_nhwc: number[]; output_nhwc_shape: number[]; output_nhwc: number[] }[];
  counts: { arch: string; scale: number; params: number; input_hw: [number, number]; macs: number }[];
  forward: {
    name: string;
    options: { arch: string; [k: string]: unknown };
    input_shape: number[];
    input: number[];
    output_shape: number[];
    output: number[];
    weights: Record<string, { kernel_hwio_shape: number[]; kernel_hwio: number[]; bias: number[] }>;
  }[];
}

export function loadGolden(): GoldenBackbones {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'backbones.json'), 'utf8')) as GoldenBackbones;
}
