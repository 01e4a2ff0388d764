// The one place that loads TensorFlow.js and chooses its backend.
//
// Order: tfjs-node-gpu when it is installed and a CUDA device is visible, else
// tfjs-node (the `tensorflow` backend on the TensorFlow C library). The pure-JS
// `cpu` backend is used only when asked for (KDLAB_BACKEND=cpu): it is ~1000x
// slower for convolutions, so falling back to it silently would turn a broken
// install into a training run that never ends.
import * as fs from 'fs';

export type Tf = typeof import('@tensorflow/tfjs-node');

export type BackendRequest = 'auto' | 'tensorflow' | 'tensorflow-gpu' | 'cpu';
const REQUESTS: readonly BackendRequest[] = ['auto', 'tensorflow', 'tensorflow-gpu', 'cpu'];

export interface LoadedEngine {
  tf: Tf;
  request: BackendRequest;
  /** npm package that provided the backend. */
  provider: '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs';
  device: 'cpu' | 'cuda';
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
}

const defaultHooks: LoaderHooks = { require: (n) => require(n), resolvable, cuda: cudaDevicePresent };

function loadNative(name: '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu', hooks: LoaderHooks): Tf {
  try {
    return hooks.require(name) as Tf;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new BackendUnavailableError(`${name} failed to load: ${why}\n${INSTALL_HINT}`, err);
  }
}

export function loadEngine(request: BackendRequest, hooks: LoaderHooks = defaultHooks): LoadedEngine {
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
  const gpuWanted = request === 'tensorflow-gpu' || (request === 'auto' && hooks.resolvable('@tensorflow/tfjs-node-gpu') && hooks.cuda());
  if (gpuWanted) {
    if (request === 'tensorflow-gpu' && !hooks.cuda()) {
      throw new BackendUnavailableError('KDLAB_BACKEND=tensorflow-gpu but no CUDA device is visible (/dev/nvidia0)');
    }
    const tf = loadNative('@tensorflow/tfjs-node-gpu', hooks);
    return { tf, request, provider: '@tensorflow/tfjs-node-gpu', device: 'cuda' };
  }
  const tf = loadNative('@tensorflow/tfjs-node', hooks);
  if (tf.getBackend() !== 'tensorflow') {
    throw new BackendUnavailableError(`@tensorflow/tfjs-node loaded but the active backend is ${tf.getBackend()}\n${INSTALL_HINT}`);
  }
  return { tf, request, provider: '@tensorflow/tfjs-node', device: 'cpu' };
}
