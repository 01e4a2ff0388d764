// The one place that loads TensorFlow.js and chooses its backend.
//
// Order: tfjs-node-gpu when it is built (`npm run setup:gpu`) and a CUDA device is visible, else
// tfjs-node (the `tensorflow` backend on the TensorFlow C library). The pure-JS
// `cpu` backend is used only when asked for (KDLAB_BACKEND=cpu): it is ~1000x
// slower for convolutions, so falling back to it silently would turn a broken
// install into a training run that never ends.
import * as fs from 'fs';
import * as path from 'path';
import { threadSettings, type ThreadSettings } from './provenance';

export type Tf = typeof import('@tensorflow/tfjs-node');

export type BackendRequest = 'auto' | 'tensorflow' | 'tensorflow-gpu' | 'cpu';
const REQUESTS: readonly BackendRequest[] = ['auto', 'tensorflow', 'tensorflow-gpu', 'cpu'];

export interface LoadedEngine {
  tf: Tf;
  request: BackendRequest;
  /** npm package that provided the backend. */
  provider: '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs';
  device: 'cpu' | 'cuda';
  /** THREAD_ENV_VARS when the library was loaded (absent for engines built by hand in tests). */
  threadEnv?: ThreadSettings;
}

export class BackendUnavailableError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

export const INSTALL_HINT = [
  'The native `tensorflow` backend (@tensorflow/tfjs-node) is not built.',
  'Build it with `bash tools/provision/setup.sh` (takes TensorFlow C from the tensorflow-cpu wheel),',
  'or with internet access `KDLAB_TFJS_SOURCE=download bash tools/provision/setup.sh`.',
  'To run on the slow pure-JavaScript backend on purpose, set KDLAB_BACKEND=cpu.',
].join('\n');

export function parseBackendRequest(value: string | undefined): BackendRequest {
  const v = (value ?? 'auto').trim() || 'auto';
  if ((REQUESTS as readonly string[]).includes(v)) return v as BackendRequest;
  throw new Error(`KDLAB_BACKEND=${JSON.stringify(value)} is not one of ${REQUESTS.join(', ')}`);
}

/** A CUDA device is visible when the NVIDIA kernel driver exposes one. */
export function cudaDevicePresent(): boolean {
  return fs.existsSync('/proc/driver/nvidia/version') && fs.existsSync('/dev/nvidia0');
}

export const GPU_INSTALL_HINT = 'Build it with `npm run setup:gpu` (TensorFlow 2.21 with CUDA 12 from the PyPI wheels; about 4 GB).';

/**
 * tfjs-node-gpu is an optional dependency: npm installs its JavaScript everywhere, but its native
 * binding exists only after `npm run setup:gpu` built it.
 */
export function gpuBindingBuilt(): boolean {
  try {
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-node-gpu/package.json'));
    return fs.existsSync(path.join(dir, 'lib', 'napi-v8', 'tfjs_binding.node'));
  } catch {
    return false;
  }
}

function resolvable(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Loader hooks let tests simulate a missing native module without uninstalling it. */
export interface LoaderHooks {
  require: (name: string) => unknown;
  resolvable: (name: string) => boolean;
  cuda: () => boolean;
  /** Whether tfjs-node-gpu's native binding is built (default: gpuBindingBuilt). */
  gpuBuilt?: () => boolean;
  /** Where the engine says what it chose when that may surprise (default: stderr). */
  warn?: (line: string) => void;
}

const defaultHooks: LoaderHooks = { require: (n) => require(n), resolvable, cuda: cudaDevicePresent, gpuBuilt: gpuBindingBuilt };

function loadNative(name: '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu', hooks: LoaderHooks): Tf {
  try {
    return hooks.require(name) as Tf;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new BackendUnavailableError(`${name} failed to load: ${why}\n${INSTALL_HINT}`, err);
  }
}

export function loadEngine(request: BackendRequest, hooks: LoaderHooks = defaultHooks): LoadedEngine {
  return { ...loadBackend(request, hooks), threadEnv: threadSettings() };
}

function loadBackend(request: BackendRequest, hooks: LoaderHooks): LoadedEngine {
  if (request === 'cpu') {
    // tfjs-node's package re-exports the full tfjs API plus tf.node (image codecs);
    // use it when present, but run kernels on the cpu backend as requested.
    let tf: Tf;
    let provider: LoadedEngine['provider'] = '@tensorflow/tfjs-node';
    try {
      tf = hooks.require('@tensorflow/tfjs-node') as Tf;
    } catch {
      tf = hooks.require('@tensorflow/tfjs') as Tf;
      provider = '@tensorflow/tfjs';
    }
    tf.setBackend('cpu');
    return { tf, request, provider, device: 'cpu' };
  }
  const gpuBuilt = () => hooks.resolvable('@tensorflow/tfjs-node-gpu') && (hooks.gpuBuilt ?? gpuBindingBuilt)();
  const gpuWanted = request === 'tensorflow-gpu' || (request === 'auto' && hooks.cuda() && gpuBuilt());
  if (gpuWanted) {
    if (!gpuBuilt()) throw new BackendUnavailableError(`KDLAB_BACKEND=tensorflow-gpu but @tensorflow/tfjs-node-gpu is not built.\n${GPU_INSTALL_HINT}`);
    const cuda = hooks.cuda();
    // TensorFlow's CUDA build places every op on the CPU when it finds no device: allowed (that is
    // how the GPU build is tested on CPU machines), but said once, so nobody mistakes it for a GPU run.
    if (!cuda) (hooks.warn ?? ((l: string) => process.stderr.write(l + '\n')))('kdlab: KDLAB_BACKEND=tensorflow-gpu but no CUDA device is visible (/dev/nvidia0): the GPU build runs on the CPU');
    const tf = loadNative('@tensorflow/tfjs-node-gpu', hooks);
    return { tf, request, provider: '@tensorflow/tfjs-node-gpu', device: cuda ? 'cuda' : 'cpu' };
  }
  const tf = loadNative('@tensorflow/tfjs-node', hooks);
  if (tf.getBackend() !== 'tensorflow') {
    throw new BackendUnavailableError(`@tensorflow/tfjs-node loaded but the active backend is ${tf.getBackend()}\n${INSTALL_HINT}`);
  }
  return { tf, request, provider: '@tensorflow/tfjs-node', device: 'cpu' };
}
