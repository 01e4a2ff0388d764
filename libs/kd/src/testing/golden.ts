// Golden values for loss tests. Each group of losses keeps its cases in golden/<group>_losses.json,
// written by golden/gen_<group>_losses.py: an independent implementation (PyTorch or numpy, float64,
// from the papers' formulas or the authors' code), never this library. These helpers read the cases
// and compare a loss's value and gradient with them, so a golden test is a few lines per group.
import * as fs from 'fs';
import * as path from 'path';
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import type { DistillLoss, LossContext } from '../loss';

/** A tensor as the generators write it: its shape and its values, flat, row-major. */
export interface Packed {
  shape: number[];
  data: number[];
}

/** The fields every loss case has; a group adds its own (context, weights, partners...). */
export interface GoldenLossCase {
  loss: { kind: string; [option: string]: unknown };
  student: Packed;
  teacher: Packed;
  value: number;
  grad_student: Packed;
}

export const GOLDEN_DIR = path.join(__dirname, '..', '..', 'golden');

/** The cases of golden/<file>; a missing or malformed file is an error that names it. */
export function readGoldenCases<C = GoldenLossCase>(file: string): C[] {
  const full = path.join(GOLDEN_DIR, file);
  if (!fs.existsSync(full)) throw new Error(`golden file ${full} is missing: run its generator (golden/gen_*.py)`);
  const parsed = JSON.parse(fs.readFileSync(full, 'utf8')) as { cases?: C[] };
  if (!Array.isArray(parsed.cases)) throw new Error(`golden file ${full} has no "cases" array`);
  return parsed.cases;
}

export const unpack = (p: Packed): Tensor => tf.tensor(p.data, p.shape, 'float32');

/**
 * max |got − want| ≤ rel · max |want|. The reference must not be all zeros: against a zero
 * gradient any broken loss that also returns zeros would pass.
 */
export function expectCloseTo(got: Tensor, want: Packed, rel: number): void {
  const w = unpack(want);
  expect(got.shape).toEqual(w.shape);
  const scale = w.abs().max().dataSync()[0];
  expect(scale).toBeGreaterThan(0);
  expect(got.sub(w).abs().max().dataSync()[0]).toBeLessThanOrEqual(rel * scale);
  w.dispose();
}

export interface GoldenTolerance {
  /** |value − golden| ≤ valueRel · |golden| + valueAbs. */
  valueRel: number;
  valueAbs?: number;
  /** Gradient w.r.t. the student, relative to its largest entry. */
  gradRel: number;
}

/** A loss's scalar value and its gradient w.r.t. the student tensor against one golden case. */
export function expectLossMatchesGolden(loss: DistillLoss, c: GoldenLossCase, tol: GoldenTolerance, ctx?: LossContext): void {
  const s = unpack(c.student);
  const t = unpack(c.teacher);
  const value = loss.compute(s, t, ctx);
  expect(value.shape).toEqual([]);
  expect(Math.abs(value.dataSync()[0] - c.value)).toBeLessThanOrEqual(tol.valueRel * Math.abs(c.value) + (tol.valueAbs ?? 0));
  const grad = tf.grad((x: Tensor) => loss.compute(x, t, ctx))(s);
  expectCloseTo(grad, c.grad_student, tol.gradRel);
  tf.dispose([s, t, value, grad]);
}
