// Adapters map a student feature to the teacher's width where the two differ
// (FitNet's "regressor"). Both kinds act on the last axis, so the same adapter
// serves NHWC feature maps (a 1x1 convolution) and [N, C] vectors (a dense layer):
//   conv1x1: y = x W + b
//   mlp:     y = relu(x W1 + b1) W2 + b2        (hidden width defaults to outChannels)
//   convreg: y = relu(BN(x W + b))               FitNet's regressor in CRD/RepDistiller (ConvReg of
//            models/util.py, its branch for equal spatial sizes: a 1x1 conv, BatchNorm, ReLU). The
//            BatchNorm normalises with the batch's statistics (biased variance, eps 1e-5), as a
//            PyTorch BatchNorm2d in training mode; gamma = 1, beta = 0 at init. The regressor only
//            ever runs in training, so no moving statistics are kept.
// Weights use PyTorch's default init, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), seeded.
import { tf, Rng } from '@kdlab/engine';
import type { Tensor, Variable } from '@kdlab/engine';

export interface AdapterSpec {
  kind: 'conv1x1' | 'mlp' | 'convreg';
  inChannels: number;
  outChannels: number;
  hidden?: number;
}

export interface Adapter {
  readonly spec: AdapterSpec;
  apply(x: Tensor): Tensor;
  readonly trainableWeights: Variable[];
  /** Copies of the weights (the caller disposes them), in trainableWeights order. */
  getWeights(): Tensor[];
  setWeights(weights: Tensor[]): void;
  dispose(): void;
}

interface Dense {
  w: Variable;
  b: Variable;
}

function dense(inC: number, outC: number, rng: Rng): Dense {
  const bound = 1 / Math.sqrt(inC);
  return {
    w: tf.variable(tf.randomUniform([inC, outC], -bound, bound, 'float32', rng.seed())),
    b: tf.variable(tf.randomUniform([outC], -bound, bound, 'float32', rng.seed())),
  };
}

const BN_EPS = 1e-5;

class LinearStack implements Adapter {
  private readonly layers: Dense[];
  /** BatchNorm scale and shift (convreg only). */
  private readonly bn: { gamma: Variable; beta: Variable } | null;

  constructor(readonly spec: AdapterSpec, rng: Rng) {
    const widths = spec.kind === 'mlp' ? [spec.inChannels, spec.hidden ?? spec.outChannels, spec.outChannels] : [spec.inChannels, spec.outChannels];
    this.layers = widths.slice(1).map((w, i) => dense(widths[i], w, rng));
    this.bn = spec.kind === 'convreg' ? { gamma: tf.variable(tf.ones([spec.outChannels])), beta: tf.variable(tf.zeros([spec.outChannels])) } : null;
  }

  get trainableWeights(): Variable[] {
    return [...this.layers.flatMap((l) => [l.w, l.b]), ...(this.bn ? [this.bn.gamma, this.bn.beta] : [])];
  }

  apply(x: Tensor): Tensor {
    const c = x.shape[x.rank - 1];
    if (c !== this.spec.inChannels) throw new Error(`adapter (${this.spec.kind} ${this.spec.inChannels} -> ${this.spec.outChannels}): input has ${c} channels on its last axis`);
    return tf.tidy(() => {
      let y: Tensor = x.reshape([-1, c]);
      this.layers.forEach((l, i) => {
        y = y.matMul(l.w).add(l.b);
        if (i < this.layers.length - 1) y = y.relu();
      });
      if (this.bn) {
        // Statistics over every position of every image (all axes but the channels).
        const { mean, variance } = tf.moments(y, 0);
        y = y.sub(mean).div(variance.add(BN_EPS).sqrt()).mul(this.bn.gamma).add(this.bn.beta).relu();
      }
      return y.reshape([...x.shape.slice(0, -1), this.spec.outChannels]);
    });
  }

  getWeights(): Tensor[] {
    return this.trainableWeights.map((v) => v.clone());
  }

  setWeights(weights: Tensor[]): void {
    const vars = this.trainableWeights;
    if (weights.length !== vars.length) throw new Error(`adapter (${this.spec.kind}): setWeights got ${weights.length} tensors, expected ${vars.length}`);
    vars.forEach((v, i) => {
      if (!tf.util.arraysEqual(v.shape, weights[i].shape)) throw new Error(`adapter (${this.spec.kind}): weight ${i} has shape [${weights[i].shape}], expected [${v.shape}]`);
      v.assign(weights[i]);
    });
  }

  dispose(): void {
    tf.dispose(this.trainableWeights);
  }
}

export function createAdapter(spec: AdapterSpec, seed: number): Adapter {
  for (const [k, v] of [['inChannels', spec.inChannels], ['outChannels', spec.outChannels], ['hidden', spec.hidden ?? 1]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`createAdapter: '${k}' must be a positive integer, got ${v}`);
  }
  if (!['conv1x1', 'mlp', 'convreg'].includes(spec.kind)) throw new Error(`createAdapter: 'kind' must be 'conv1x1', 'mlp' or 'convreg', got ${JSON.stringify(spec.kind)}`);
  return new LinearStack(spec, new Rng(seed));
}
