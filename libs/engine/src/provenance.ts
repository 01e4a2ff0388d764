// What a run records about the engine it trained on.
import * as os from 'os';
import type { LoadedEngine } from './backend';
import { gpuInfo, type GpuInfo } from './gpu-info';
import { engineKernelChanges } from './kernels/node-op';

/**
 * Environment variables that set TensorFlow's and OpenMP's thread pools and oneDNN. TensorFlow
 * reads them once, when its library loads, so loadEngine records them at that moment.
 */
export const THREAD_ENV_VARS = ['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'OMP_NUM_THREADS', 'TF_ENABLE_ONEDNN_OPTS'] as const;
export type ThreadSettings = Record<(typeof THREAD_ENV_VARS)[number], string>;

/** Each of THREAD_ENV_VARS as set, or 'default' when unset or empty (TensorFlow then chooses). */
export function threadSettings(env: NodeJS.ProcessEnv = process.env): ThreadSettings {
  return Object.fromEntries(THREAD_ENV_VARS.map((k) => [k, env[k]?.trim() || 'default'])) as ThreadSettings;
}

export interface EngineInfo {
  /** `tensorflow` (tfjs-node), `tensorflow-gpu` (tfjs-node-gpu, on a GPU or on the CPU) or `cpu`. */
  backend: string;
  device: string;
  provider: string;
  /** Threads TensorFlow may use for one op (TF's default is the core count). */
  threads: number;
  /** Thread and oneDNN environment as the TensorFlow library saw it when it loaded. */
  threadEnv: ThreadSettings;
  /** tfjs kernels and gradients this process routes to other TensorFlow ops (src/kernels), in install order. */
  kernelChanges: string[];
  /** The speed switches (ENGINE_SWITCHES: value, or 'default' when unset) that choose fused or plain paths. */
  switches: Record<string, string>;
  cpuModel: string;
  versions: Record<string, string>;
  /** For the GPU build: the devices it can see and the CUDA/cuDNN it was built with. */
  gpu?: GpuInfo;
}

function tensorflowCVersion(engine: LoadedEngine): string | undefined {
  // The native binding exposes TF_Version() of the linked TensorFlow C library.
  const backend = engine.tf.backend() as unknown as { binding?: { TF_Version?: string } };
  return backend.binding?.TF_Version;
}

/**
 * Environment switches that turn a faster path off (each '0' = off), for A/B timings:
 * KDLAB_NATIVE_KERNELS (ReluGrad, BiasAdd, BiasAddGrad, conv + bias), KDLAB_CONV_BIAS (conv + bias alone),
 * KDLAB_FUSED_ACTIVATION (conv + bias + activation in one op, needs the patched binding),
 * KDLAB_FUSED_BN (training batch norm, read when a layer is built), KDLAB_DEPTH_TO_SPACE (pixel shuffle
 * through DepthToSpace, read when a model is built).
 */
export const ENGINE_SWITCHES = ['KDLAB_NATIVE_KERNELS', 'KDLAB_CONV_BIAS', 'KDLAB_FUSED_ACTIVATION', 'KDLAB_FUSED_BN', 'KDLAB_DEPTH_TO_SPACE'] as const;

export function engineInfo(engine: LoadedEngine): EngineInfo {
  const versions: Record<string, string> = { node: process.versions.node };
  for (const [k, v] of Object.entries(engine.tf.version)) versions[k] = String(v);
  const tfc = tensorflowCVersion(engine);
  if (tfc) versions['tensorflow-c'] = tfc;
  const envThreads = Number((engine.threadEnv ?? threadSettings()).TF_NUM_INTRAOP_THREADS);
  const gpuBuild = engine.provider === '@tensorflow/tfjs-node-gpu';
  const backend = engine.tf.getBackend();
  return {
    backend: gpuBuild && backend === 'tensorflow' ? 'tensorflow-gpu' : backend,
    device: engine.device,
    provider: engine.provider,
    threads: Number.isFinite(envThreads) && envThreads > 0 ? envThreads : os.cpus().length,
    threadEnv: engine.threadEnv ?? threadSettings(),
    kernelChanges: [...engineKernelChanges],
    switches: Object.fromEntries(ENGINE_SWITCHES.map((k) => [k, process.env[k]?.trim() || 'default'])),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    versions,
    ...(gpuBuild ? { gpu: gpuInfo() } : {}),
  };
}
