// Hint points chosen by clustering the teacher's layers, after Keser et al.,
// "PURSUhInT: In Search of Informative Hint Points Based on Layer Clustering
// for Knowledge Distillation" (Expert Systems with Applications 213, 2023):
// describe every candidate layer of the teacher by several metrics measured on
// a probe batch, cluster the layers with k-means, and take the member nearest
// each cluster centre as a hint point for FitNet/AT.
//
// Metrics of a layer with output A [N, H, W, C] on the probe batch (our choice;
// each is z-scored across the candidates before clustering, so none dominates):
//   depth        position among the candidates, 0 (first) .. 1 (last)
//   resolution   log2(H*W)
//   width        log2(C)
//   mean, std    of the activations
//   sparsity     fraction of activations <= 0
//   ckaInput     linear CKA between A and the input images
//   ckaOutput    linear CKA between A and the teacher's logits
// The two CKA terms place a layer between "still looks like the pixels" and
// "already says the class"; the first four place it in the architecture.
// k-means is seeded (k-means++, 10 restarts); ties go to the earlier layer.
import { Rng, tf } from '@kdlab/engine';
import type { LayersModel, Tensor } from '@kdlab/engine';
import { tapModel } from '../taps';
import { linearCka } from './cka';
import { kMeans } from './kmeans';
import { registerMethodSource } from '../source';

// Not a loss, so it declares its source here (docs/METHODS.md and the tables read it).
registerMethodSource({
  name: 'clustered-hints',
  description: 'hint points for FitNet/AT chosen by k-means over descriptions of the teacher\'s layers',
  source: {
    level: 'abstract-only',
    reference: 'Keser et al., PURSUhInT: In Search of Informative Hint Points Based on Layer Clustering for Knowledge Distillation, Expert Systems with Applications 213 (2023): abstract only',
    deviations: [
      'the layer metrics (depth, resolution, width, mean, std, sparsity, linear CKA to the input and to the logits), z-scored, are our choice',
      'k-means++ with 10 restarts, the member nearest each centre, one probe batch: our choices',
      'student layers are paired by equal spatial size',
    ],
  },
});

export const HINT_METRICS = ['depth', 'resolution', 'width', 'mean', 'std', 'sparsity', 'ckaInput', 'ckaOutput'] as const;
export type HintMetric = (typeof HINT_METRICS)[number];

export interface LayerDescription {
  layer: string;
  /** [H, W, C] of the layer's output on the probe batch. */
  shape: number[];
  metrics: Record<HintMetric, number>;
}

export interface HintSelection {
  /** The chosen layers, in model order. */
  hints: string[];
  /** Per cluster: its members (model order) and the chosen member. */
  clusters: { members: string[]; hint: string }[];
  layers: LayerDescription[];
  k: number;
  seed: number;
}

/** Describes each candidate layer of `model` by the metrics above, from one inference pass on `probe`. */
export function describeLayers(model: LayersModel, candidates: string[], probe: Tensor): LayerDescription[] {
  if (candidates.length === 0) throw new Error('describeLayers: no candidate layers');
  const tapped = tapModel(model, candidates);
  const taps = tapped.forward(probe, false);
  try {
    return candidates.map((layer, i) => {
      const a = taps.features[layer];
      if (a.rank !== 4) throw new Error(`describeLayers: layer '${layer}' outputs [${a.shape}], not a feature map [N, H, W, C]`);
      const [, h, w, c] = a.shape as number[];
      const stats = tf.tidy(() => {
        const { mean, variance } = tf.moments(a);
        return [mean.dataSync()[0], Math.sqrt(variance.dataSync()[0]), a.lessEqual(0).toFloat().mean().dataSync()[0]];
      });
      return {
        layer,
        shape: [h, w, c],
        metrics: {
          depth: candidates.length > 1 ? i / (candidates.length - 1) : 0,
          resolution: Math.log2(h * w),
          width: Math.log2(c),
          mean: stats[0],
          std: stats[1],
          sparsity: stats[2],
          ckaInput: linearCka(a, probe),
          ckaOutput: linearCka(a, taps.output),
        },
      };
    });
  } finally {
    tf.dispose([taps.output, ...Object.values(taps.features)]);
  }
}

/** Each metric z-scored across layers (a metric equal on every layer becomes 0). */
export function standardise(layers: LayerDescription[]): number[][] {
  const columns = HINT_METRICS.map((m) => {
    const v = layers.map((l) => l.metrics[m]);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    return v.map((x) => (sd > 1e-12 ? (x - mean) / sd : 0));
  });
  return layers.map((_, i) => columns.map((col) => col[i]));
}

export function selectHintPoints(model: LayersModel, candidates: string[], probe: Tensor, opts: { k: number; seed: number }): HintSelection {
  const layers = describeLayers(model, candidates, probe);
  const points = standardise(layers);
  const { centres, assignment } = kMeans(points, opts.k, new Rng(opts.seed));
  const dist2 = (a: number[], b: number[]) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);
  const clusters = centres
    .map((centre, j) => {
      const members = layers.map((l, i) => ({ l, i })).filter(({ i }) => assignment[i] === j);
      const nearest = members.reduce((best, m) => (dist2(points[m.i], centre) < dist2(points[best.i], centre) ? m : best), members[0]);
      return { members: members.map((m) => m.l.layer), hint: nearest?.l.layer, at: nearest?.i ?? Infinity };
    })
    .filter((c) => c.hint !== undefined)
    .sort((a, b) => a.at - b.at)
    .map(({ members, hint }) => ({ members, hint: hint! }));
  return { hints: clusters.map((c) => c.hint), clusters, layers, k: opts.k, seed: opts.seed };
}

/**
 * The student layer to pair with each teacher hint: among the student's candidates with the
 * hint's spatial size, the one at the nearest relative position within that size (FitNet and
 * AT compare maps of equal resolution). `shapes` come from a probe pass or the models' symbolic shapes.
 */
export function pairHints(hints: string[], teacher: { layers: string[]; hw: Record<string, string> }, student: { layers: string[]; hw: Record<string, string> }): string[] {
  const position = (layers: string[], hw: Record<string, string>, name: string) => {
    const same = layers.filter((l) => hw[l] === hw[name]);
    return same.length > 1 ? same.indexOf(name) / (same.length - 1) : 0.5;
  };
  return hints.map((h) => {
    const options = student.layers.filter((l) => student.hw[l] === teacher.hw[h]);
    if (options.length === 0) throw new Error(`pairHints: no student layer has the spatial size ${teacher.hw[h]} of teacher hint '${h}'`);
    const p = position(teacher.layers, teacher.hw, h);
    return options.reduce((best, l) => (Math.abs(position(student.layers, student.hw, l) - p) < Math.abs(position(student.layers, student.hw, best) - p) ? l : best), options[0]);
  });
}

/** 'HxW' of each layer's output on a probe batch (for pairHints). */
export function probeSpatialSizes(model: LayersModel, layers: string[], probe: Tensor): Record<string, string> {
  const taps = tapModel(model, layers).forward(probe, false);
  const sizes = Object.fromEntries(layers.map((l) => [l, `${taps.features[l].shape[1]}x${taps.features[l].shape[2]}`]));
  tf.dispose([taps.output, ...Object.values(taps.features)]);
  return sizes;
}
