// Two weight-free layers of correspondence-guided aggregation (reference-based SR): a flow field
// [N, H, W, 2] = (dy, dx) per cell, in cells of the feature grid, says where each cell's best match
// lies in the reference feature map (from the matcher, an input of the model, no gradient).
//  - WarpByFlow([features, flow]): features bilinearly sampled at (row + dy, col + dx), 0 outside;
//  - FlowOffsets([residual, flow]): deformable-conv offsets = the flow repeated for every kernel tap
//    (DeformConv2D's layout: channel 2k = dy, 2k + 1 = dx of tap k) + a learned residual.
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D } from '@kdlab/engine';
import { bilinearGather } from '../../layers/deform-conv';
import type { Shape } from '../../layers/types';

function pairOf(inputs: Tensor | Tensor[], who: string): [Tensor4D, Tensor4D] {
  if (!Array.isArray(inputs) || inputs.length !== 2) throw new Error(`${who}: expects two inputs`);
  return [inputs[0] as Tensor4D, inputs[1] as Tensor4D];
}

export class WarpByFlow extends tf.layers.Layer {
  static className = 'WarpByFlow';

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (inputShape as Shape[])[0];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const [x, flow] = pairOf(inputs, `WarpByFlow ${this.name}`);
      const [n, h, w] = x.shape;
      if (flow.shape[3] !== 2 || flow.shape[1] !== h || flow.shape[2] !== w) throw new Error(`WarpByFlow ${this.name}: flow [${flow.shape}] must be [N, ${h}, ${w}, 2]`);
      const [dy, dx] = tf.split(flow, 2, 3).map((t) => t.reshape([n, h, w]));
      const py = tf.range(0, h, 1, 'float32').reshape([1, h, 1]).add(dy);
      const px = tf.range(0, w, 1, 'float32').reshape([1, 1, w]).add(dx);
      return bilinearGather(x, py, px);
    });
  }
}

export class FlowOffsets extends tf.layers.Layer {
  static className = 'FlowOffsets';

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (inputShape as Shape[])[0];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const [residual, flow] = pairOf(inputs, `FlowOffsets ${this.name}`);
      const taps = residual.shape[3] / 2;
      if (!Number.isInteger(taps) || flow.shape[3] !== 2) throw new Error(`FlowOffsets ${this.name}: residual [${residual.shape}] needs 2·taps channels and flow [${flow.shape}] 2`);
      return residual.add(tf.tile(flow, [1, 1, 1, taps]));
    });
  }
}

tf.serialization.registerClass(WarpByFlow);
tf.serialization.registerClass(FlowOffsets);
