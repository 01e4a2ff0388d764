// tfjs-layers' Conv2D class, for layers that are a Conv2D with another `call`
// (tfjs-layers registers it for deserialization but the tfjs-node entry point does not export it).
import { tf } from '@kdlab/engine';

export type ConvArgs = Parameters<typeof tf.layers.conv2d>[0];
export type Conv2DLayer = ReturnType<typeof tf.layers.conv2d>;

export const Conv2DBase = tf.serialization.SerializationMap.getMap().classNameMap.Conv2D[0] as unknown as (new (args: ConvArgs) => Conv2DLayer) &
  Pick<typeof tf.layers.Layer, 'fromConfig'>;
