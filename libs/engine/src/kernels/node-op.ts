// Calling a TensorFlow operation by name on the tfjs-node (`tensorflow`) backend.
//
// tfjs-node's backend executes TensorFlow ops through its binding with a list of
// typed attributes; kernels in this folder use that to reach ops tfjs never calls
// (ReluGrad, BiasAdd, BiasAddGrad, FusedBatchNormV3...). Only scalar attributes
// (and lists of ints) are possible: the binding cannot set a list(string) (see the
// engine README, "What the binding cannot reach").
import type { Tensor } from '@tensorflow/tfjs-node';
import type { Tf } from '../backend';

export interface OpAttr { name: string; type: number; value: unknown }

export interface NodeBackend {
  binding: { TF_ATTR_TYPE: number; TF_ATTR_FLOAT: number; TF_ATTR_STRING: number; TF_ATTR_BOOL: number; TF_ATTR_INT: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: Tensor[]): Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: Tensor[], numOutputs: number): Tensor[];
}

/** The tfjs-node backend object (for executeSingleOutput); the caller has checked the backend's name. */
export function nodeBackend(tf: Tf): NodeBackend {
  return tf.backend() as unknown as NodeBackend;
}

/** Attributes T = float32 and data_format = NHWC, which most NN ops take. */
export function float32Nhwc(b: NodeBackend): OpAttr[] {
  return [
    { name: 'T', type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT },
    { name: 'data_format', type: b.binding.TF_ATTR_STRING, value: 'NHWC' },
  ];
}

/**
 * What this process changed in tfjs' kernels and gradients (e.g. 'Add -> BiasAdd'), in
 * install order; engineInfo() reports it so every run records which paths it took.
 */
export const engineKernelChanges: string[] = [];

/**
 * Replaces `kernelName`'s kernel on the `tensorflow` backend by `fast`, which returns
 * null to hand a call back to the original kernel. Installed once per tfjs instance
 * (the replacement is marked, so a second install does not wrap itself).
 */
export function overrideTensorflowKernel(
  tf: Tf,
  kernelName: string,
  change: string,
  fast: (args: Parameters<Parameters<Tf['registerKernel']>[0]['kernelFunc']>[0], backend: NodeBackend) => Tensor | null,
): void {
  if (tf.getBackend() !== 'tensorflow') return;
  const original = tf.getKernel(kernelName, 'tensorflow');
  if (!original || (original.kernelFunc as { kdlabFast?: boolean }).kdlabFast) return;
  const kernelFunc: Parameters<Tf['registerKernel']>[0]['kernelFunc'] = (args) => fast(args, args.backend as unknown as NodeBackend) ?? original.kernelFunc(args);
  (kernelFunc as { kdlabFast?: boolean }).kdlabFast = true;
  tf.unregisterKernel(kernelName, 'tensorflow');
  tf.registerKernel({ ...original, kernelFunc });
  engineKernelChanges.push(change);
}
