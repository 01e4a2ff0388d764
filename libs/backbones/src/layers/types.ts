// Type helpers for custom tf.layers classes (tfjs-layers does not export these
// types from the tfjs-node entry point).
import type { tf } from '@kdlab/engine';

export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
export type Shape = (number | null)[];
export type ConfigDict = ReturnType<InstanceType<typeof tf.layers.Layer>['getConfig']>;

/** The single input of a one-input layer (Keras passes a list or a tensor). */
export function single<T>(inputs: T | T[]): T {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/** The single input shape of a one-input layer (a shape, or a list holding one shape). */
export function singleShape(shape: Shape | Shape[]): Shape {
  return Array.isArray(shape[0]) ? (shape as Shape[])[0] : (shape as Shape);
}
