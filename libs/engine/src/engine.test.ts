import { spawnSync } from 'child_process';
import * as path from 'path';
import type { Tensor4D, Scalar } from './index';
import { BackendUnavailableError, expectNoLeaks, loadEngine, parseNvidiaSmi, Rng, TensorLeakError, tf, engineInfo, engine } from './index';

const root = path.resolve(__dirname, '../../..');

function backendInChild(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const script = "const {tf}=require('./libs/engine/src/tf.ts'); console.log('backend=' + tf.getBackend())";
  const res = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('backend selection', () => {
  it('uses the native tensorflow backend by default', () => {
    expect(tf.getBackend()).toBe('tensorflow');
    const info = engineInfo(engine);
    expect(info.versions['tensorflow-c']).toMatch(/^2\.\d+/);
    expect(info.threads).toBeGreaterThan(0);
  });

  it('honours an explicit KDLAB_BACKEND=cpu', () => {
    const res = backendInChild({ KDLAB_BACKEND: 'cpu' });
    expect(res.stdout).toContain('backend=cpu');
  });

  it('rejects an unknown KDLAB_BACKEND value by name', () => {
    const res = backendInChild({ KDLAB_BACKEND: 'webgpu' });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('KDLAB_BACKEND="webgpu"');
  });

  it('never falls back to cpu silently when the native module is missing', () => {
    const hooks = {
      require: (name: string) => {
        if (name.startsWith('@tensorflow/tfjs-node')) throw new Error(`Cannot find module '${name}'`);
        return require(name);
      },
      resolvable: () => false,
      cuda: () => false,
    };
    expect(() => loadEngine('auto', hooks)).toThrow(BackendUnavailableError);
    expect(() => loadEngine('auto', hooks)).toThrow(/tools\/provision\/setup\.sh[\s\S]*KDLAB_BACKEND=cpu/);
  });

  it('prefers tfjs-node-gpu only when it is built and a CUDA device is present', () => {
    const world = (cuda: boolean, built: boolean) => {
      const asked: string[] = [];
      const warned: string[] = [];
      const hooks = {
        require: (name: string) => {
          asked.push(name);
          return require('@tensorflow/tfjs-node');
        },
        resolvable: () => true,
        cuda: () => cuda,
        gpuBuilt: () => built,
        warn: (l: string) => warned.push(l),
      };
      return { hooks, asked, warned };
    };
    // No device: the CPU build, even when the GPU build exists.
    let w = world(false, true);
    expect(loadEngine('auto', w.hooks).provider).toBe('@tensorflow/tfjs-node');
    expect(w.asked).toEqual(['@tensorflow/tfjs-node']);
    // A device but no built binding (npm installs tfjs-node-gpu's JavaScript only): still the CPU build.
    w = world(true, false);
    expect(loadEngine('auto', w.hooks).provider).toBe('@tensorflow/tfjs-node');
    // Built and a device: the GPU build on CUDA.
    w = world(true, true);
    const gpu = loadEngine('auto', w.hooks);
    expect([gpu.provider, gpu.device]).toEqual(['@tensorflow/tfjs-node-gpu', 'cuda']);
    expect(w.warned).toEqual([]);
  });

  it('KDLAB_BACKEND=tensorflow-gpu: an error naming setup:gpu when not built; the CPU with a warning when no device', () => {
    const notBuilt = { require: () => require('@tensorflow/tfjs-node'), resolvable: () => true, cuda: () => true, gpuBuilt: () => false };
    expect(() => loadEngine('tensorflow-gpu', notBuilt)).toThrow(/tfjs-node-gpu is not built[\s\S]*npm run setup:gpu/);
    const warned: string[] = [];
    const noDevice = { ...notBuilt, cuda: () => false, gpuBuilt: () => true, warn: (l: string) => warned.push(l) };
    const e = loadEngine('tensorflow-gpu', noDevice);
    expect([e.provider, e.device]).toEqual(['@tensorflow/tfjs-node-gpu', 'cpu']);
    expect(warned.join('\n')).toMatch(/no CUDA device is visible .* runs on the CPU/);
  });

  it('names the GPU build tensorflow-gpu in the provenance, with its devices and CUDA/cuDNN versions', () => {
    const info = engineInfo({ ...engine, provider: '@tensorflow/tfjs-node-gpu', device: 'cpu' });
    expect(info.backend).toBe('tensorflow-gpu');
    expect(info.gpu).toBeDefined();
    expect(Array.isArray(info.gpu!.devices)).toBe(true);
    expect(engineInfo({ ...engine, provider: '@tensorflow/tfjs-node' }).gpu).toBeUndefined();
  });

  it('reads nvidia-smi rows', () => {
    const got = parseNvidiaSmi('NVIDIA H100 80GB HBM3, 81559, 550.54.15\nNVIDIA L4, 23034, 550.54.15\n');
    expect(got).toEqual({ devices: [{ name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 }, { name: 'NVIDIA L4', memoryMiB: 23034 }], driver: '550.54.15' });
    expect(parseNvidiaSmi('')).toEqual({ devices: [], driver: undefined });
  });
});

describe('training on the tensorflow backend', () => {
  it('a small conv net trains a few steps, its loss falls, and a step leaks nothing', async () => {
    const rng = new Rng(7);
    const x = tf.randomUniform([4, 24, 24, 3], 0, 1, 'float32', rng.seed()) as Tensor4D;
    const y = tf.tidy(() => tf.avgPool(x, 3, 1, 'same').mul(0.5)) as Tensor4D;
    const w1 = tf.variable(tf.randomNormal([3, 3, 3, 16], 0, 0.1, 'float32', rng.seed())) as unknown as Tensor4D;
    const w2 = tf.variable(tf.randomNormal([3, 3, 16, 3], 0, 0.1, 'float32', rng.seed())) as unknown as Tensor4D;
    const opt = tf.train.adam(1e-2);
    const step = () => {
      const cost = opt.minimize(() => tf.conv2d(tf.relu(tf.conv2d(x, w1, 1, 'same')), w2, 1, 'same').sub(y).abs().mean() as Scalar, true)!;
      const v = cost.dataSync()[0];
      cost.dispose();
      return v;
    };
    const first = step(); // creates Adam's slot variables
    let last = first;
    await expectNoLeaks(() => {
      for (let i = 0; i < 30; i++) last = step();
    }, { label: 'train step' });
    expect(last).toBeLessThan(first * 0.7);
    tf.dispose([x, y, w1, w2]);
    opt.dispose();
  });

  it('the leak guard catches a leaking function', async () => {
    await expect(expectNoLeaks(() => { tf.ones([2]); })).rejects.toBeInstanceOf(TensorLeakError);
  });
});

describe('Rng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
    for (const v of sa) expect(v >= 0 && v < 1).toBe(true);
  });

  it('restores its state', () => {
    const a = new Rng(1);
    a.next();
    const s = a.getState();
    const v = a.next();
    a.setState(s);
    expect(a.next()).toBe(v);
  });
});
