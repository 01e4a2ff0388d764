// BatchNormalization whose training step runs TensorFlow's fused batch norm
// (one op forward, one backward: @kdlab/engine fusedBatchNormTraining) instead of
// tfjs-layers' moments + batchNormalization and their many-op gradient.
//
// It is tfjs-layers' BatchNormalization with only `call` in training replaced:
// same weights and names (gamma, beta, moving_mean, moving_variance), same
// inference path, same className in a saved topology, so checkpoints and cached
// teachers load either way. The moving statistics are updated with tfjs-layers'
// formula, moving -= (moving - batch) * (1 - momentum), with the biased batch
// variance as tfjs-layers does; `runningVariance: 'unbiased'` uses the
// Bessel-corrected variance instead, as PyTorch's running_var does (for a conv
// layer n = N*H*W, so the two differ by a factor n/(n-1), ~1.00002 at batch 64
// of 32x32).
//
// Falls back to tfjs-layers' path (same results, slower) where the fused op does
// not apply: inputs that are not rank-4 channels-last float32, a layer without
// gamma or beta, a backend other than `tensorflow`, or KDLAB_FUSED_BN=0 at build time.
import { tf, fusedBatchNormSupported, fusedBatchNormTraining } from '@kdlab/engine';
import type { Tensor, Tensor1D, Tensor4D } from '@kdlab/engine';
import { single } from './types';

type BatchNormArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;
type BatchNormLayer = ReturnType<typeof tf.layers.batchNormalization>;
type Kwargs = Parameters<BatchNormLayer['call']>[1];

/** tfjs-layers' class, from its serialization registry (the tfjs-node entry point does not export it). */
const BatchNormBase = tf.serialization.SerializationMap.getMap().classNameMap['BatchNormalization'][0] as unknown as new (args?: BatchNormArgs) => BatchNormLayer;

interface LayerVariableLike { read(): Tensor; write(v: Tensor): unknown }
/** The private fields of tfjs-layers' BatchNormalization this layer reads. */
interface BatchNormInternals {
  axis: number; momentum: number; epsilon: number; center: boolean; scale: boolean;
  gamma: LayerVariableLike; beta: LayerVariableLike; movingMean: LayerVariableLike; movingVariance: LayerVariableLike;
}

export interface FusedBatchNormArgs extends BatchNormArgs {
  /** Batch variance fed to moving_variance: 'biased' as tfjs-layers (default), 'unbiased' as PyTorch. */
  runningVariance?: 'biased' | 'unbiased';
  /** Use the fused op in training when it applies (default: true unless KDLAB_FUSED_BN=0). */
  fused?: boolean;
}

export class FusedBatchNormalization extends BatchNormBase {
  readonly runningVariance: 'biased' | 'unbiased';
  readonly fused: boolean;

  constructor(args: FusedBatchNormArgs = {}) {
    const { runningVariance = 'biased', fused = process.env.KDLAB_FUSED_BN !== '0', ...base } = args;
    if (runningVariance !== 'biased' && runningVariance !== 'unbiased') {
      throw new Error(`batchNorm ${args.name ?? ''}: runningVariance must be 'biased' or 'unbiased', got ${JSON.stringify(runningVariance)}`);
    }
    super(base);
    this.runningVariance = runningVariance;
    this.fused = fused;
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const x = single(inputs);
    const self = this as unknown as BatchNormInternals;
    const axis = self.axis >= 0 ? self.axis : self.axis + x.rank;
    const training = kwargs?.['training'] === true;
    if (!training || !this.fused || axis !== 3 || !self.center || !self.scale || !fusedBatchNormSupported(x)) {
      return super.call(inputs, kwargs);
    }
    return tf.tidy(() => {
      const r = fusedBatchNormTraining(x as Tensor4D, self.gamma.read() as Tensor1D, self.beta.read() as Tensor1D, self.epsilon);
      const decay = 1 - self.momentum;
      const update = (v: LayerVariableLike, batch: Tensor) => {
        const old = v.read();
        v.write(tf.sub(old, tf.mul(tf.sub(old, batch), decay)));
      };
      update(self.movingMean, r.mean);
      update(self.movingVariance, this.runningVariance === 'unbiased' ? r.unbiasedVariance : r.variance);
      return r.y;
    });
  }
}

/** Drop-in for tf.layers.batchNormalization (same arguments, plus runningVariance and fused). */
export function batchNorm(args: FusedBatchNormArgs = {}): FusedBatchNormalization {
  return new FusedBatchNormalization(args);
}
