import { spawnSync } from 'child_process';
import * as path from 'path';
import type { Tensor4D, Scalar } from './index';
import { BackendUnavailableError, expectNoLeaks, loadEngine, Rng, TensorLeakError, tf, engineInfo, engine } from './index';

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

  it('prefers tfjs-node-gpu only when a CUDA device is present', () => {
    const asked: string[] = [];
    const hooks = {
      require: (name: string) => {
        asked.push(name);
        return require('@tensorflow/tfjs-node');
      },
      resolvable: () => true,
      cuda: () => false,
    };
    loadEngine('auto', hooks);
    expect(asked).toEqual(['@tensorflow/tfjs-node']);
    expect(() => loadEngine('tensorflow-gpu', hooks)).toThrow(/no CUDA device/);
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
