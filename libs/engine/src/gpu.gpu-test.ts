// `npm run test:gpu`: the GPU build (tfjs-node-gpu on TensorFlow 2.21 + CUDA 12 wheels) proven on this
// machine. Run with KDLAB_BACKEND=tensorflow-gpu after `npm run setup:gpu` (tools/testing/test-gpu.sh
// does both). On a machine without a CUDA device every op runs on the CPU, and these tests check that
// it says so; on a GPU machine the same tests check that ops run on the GPU and that a training step
// is at least 10x faster than the CPU build's.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cudaDevicePresent, engine, engineInfo, gpuBindingBuilt, tf } from './index';
import type { Scalar, Tensor, Tensor4D } from './index';

const ROOT = path.resolve(__dirname, '../../..');
const KDLAB = path.join(ROOT, 'tools/cli/bin/kdlab.js');
const GPU_PKG = path.dirname(require.resolve('@tensorflow/tfjs-node-gpu/package.json'));
const PINNED = JSON.parse(fs.readFileSync(path.join(ROOT, 'tools/provision/gpu-wheels.json'), 'utf8')) as { wheels: { name: string; version: string }[] };
const pinned = (name: string) => PINNED.wheels.find((w) => w.name === name)!.version;
const HAS_GPU = cudaDevicePresent();

function kdlab(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [KDLAB, ...args], { cwd: ROOT, env: { ...process.env, CI: 'true', ...env }, encoding: 'utf8', timeout: 600_000 });
}

/** Milliseconds per training step of a 64-channel 3x3 conv stack (batch 8, 64x64), after warm-up. */
function stepMs(env: Record<string, string>): number {
  const script = `
const { tf } = require('./libs/engine/src/tf.ts');
const x = tf.randomNormal([8, 64, 64, 64]); const y = tf.randomNormal([8, 64, 64, 64]);
const ws = [0, 1, 2, 3].map(() => tf.variable(tf.randomNormal([3, 3, 64, 64], 0, 0.05)));
const opt = tf.train.adam(1e-3);
const step = () => { const c = opt.minimize(() => { let h = x; for (const w of ws) h = tf.relu(tf.conv2d(h, w, 1, 'same')); return h.sub(y).square().mean(); }, true); c.dataSync(); c.dispose(); };
for (let i = 0; i < 3; i++) step();
const t0 = process.hrtime.bigint(); for (let i = 0; i < 5; i++) step();
console.log('ms=' + Number(process.hrtime.bigint() - t0) / 5e6);`;
  const res = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  const m = /ms=([\d.]+)/.exec(res.stdout);
  if (!m) throw new Error(`step timing failed: ${res.stderr.slice(-2000)}`);
  return Number(m[1]);
}

describe('the GPU build', () => {
  it('is what this process runs on (KDLAB_BACKEND=tensorflow-gpu)', () => {
    expect(process.env.KDLAB_BACKEND).toBe('tensorflow-gpu');
    expect(gpuBindingBuilt()).toBe(true);
    expect(engine.provider).toBe('@tensorflow/tfjs-node-gpu');
    const info = engineInfo(engine);
    expect(info.backend).toBe('tensorflow-gpu');
    expect(info.versions['tensorflow-c']).toBe(pinned('tensorflow'));
    expect(info.gpu).toMatchObject({ cuda: pinned('nvidia-cuda-runtime-cu12'), cudnn: pinned('nvidia-cudnn-cu12') });
  });

  it('finds every CUDA library through TensorFlow\'s own RUNPATH (no LD_LIBRARY_PATH)', () => {
    const lib = path.join(GPU_PKG, 'deps', 'lib');
    const readelf = spawnSync('readelf', ['-d', path.join(lib, 'libtensorflow_framework.so.2')], { encoding: 'utf8' });
    const runpath = /RUNPATH\)\s+Library runpath: \[(.*)\]/.exec(readelf.stdout)?.[1] ?? '';
    const dirs = [...new Set(runpath.split(':').map((d) => path.resolve(d.replace('$ORIGIN', lib))))].filter((d) => fs.existsSync(d));
    // The libraries TensorFlow's CUDA build dlopens by SONAME.
    const wanted = ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12', 'libcudnn.so.9', 'libcufft.so.11', 'libcusparse.so.12', 'libcupti.so.12', 'libnccl.so.2'];
    const env = { ...process.env, LD_LIBRARY_PATH: '' };
    for (const soname of wanted) {
      const found = dirs.map((d) => path.join(d, soname)).find((f) => fs.existsSync(f));
      expect({ soname, found: Boolean(found) }).toEqual({ soname, found: true });
      // Its own dependencies resolve too (libcuda.so.1 is the driver's, present only on GPU machines).
      const ldd = spawnSync('ldd', [found!], { encoding: 'utf8', env });
      const missing = ldd.stdout.split('\n').filter((l) => /not found/.test(l) && !/libcuda\.so\.1/.test(l));
      expect({ soname, missing }).toEqual({ soname, missing: [] });
    }
  });

  it('computes what the CPU build computes (conv forward and gradient)', () => {
    const x = tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 1);
    const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2);
    const f = (xx: Tensor) => tf.conv2d(xx as Tensor4D, w as Tensor4D, 1, 'same').square().sum() as Scalar;
    const value = f(x).dataSync()[0];
    const grad = Array.from(tf.grad(f)(x).dataSync());
    const script = `const { tf } = require('./libs/engine/src/tf.ts');
const x = tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 1); const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2);
const f = (xx) => tf.conv2d(xx, w, 1, 'same').square().sum();
console.log(JSON.stringify({ value: f(x).dataSync()[0], grad: Array.from(tf.grad(f)(x).dataSync()) }));`;
    const res = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, env: { ...process.env, KDLAB_BACKEND: 'tensorflow' }, encoding: 'utf8' });
    const cpu = JSON.parse(res.stdout.trim().split('\n').pop()!) as { value: number; grad: number[] };
    expect(value).toBeCloseTo(cpu.value, 2);
    const worst = Math.max(...grad.map((g, i) => Math.abs(g - cpu.grad[i]) / (1 + Math.abs(cpu.grad[i]))));
    expect(worst).toBeLessThan(1e-3);
  });

  it('trains a short kdlab run end to end and records tensorflow-gpu in its provenance', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-gpu-'));
    const { microConfig } = require(path.join(ROOT, 'experiments/sisr/src/testing/micro.ts')) as { microConfig: (dir: string) => string };
    const store = path.join(dir, 'mlruns');
    const res = kdlab(['run', microConfig(dir), '--runs-dir', path.join(dir, 'runs'), '--cache-dir', path.join(dir, 'cache'), '--tracking-uri', store], { KDLAB_BACKEND: 'tensorflow-gpu' });
    expect({ status: res.status, stderr: res.status === 0 ? '' : res.stderr.slice(-3000) }).toEqual({ status: 0, stderr: '' });
    const tagFiles = spawnSync('sh', ['-c', `cat ${store}/*/*/tags/kdlab.backend`], { encoding: 'utf8' }).stdout;
    expect(tagFiles).toContain('tensorflow-gpu');
    if (!HAS_GPU) expect(res.stderr).toMatch(/no CUDA device is visible .* runs on the CPU/);
  });

  it(HAS_GPU ? 'runs ops on the GPU, a training step at least 10x faster than the CPU build' : 'with no CUDA device here, runs on the CPU and says so', () => {
    const env = kdlab(['env', '--json'], { KDLAB_BACKEND: 'tensorflow-gpu' });
    const info = JSON.parse(env.stdout) as { backend: string; device: string; gpu: { devices: unknown[] } };
    expect(info.backend).toBe('tensorflow-gpu');
    if (HAS_GPU) {
      expect(info.device).toBe('cuda');
      expect(info.gpu.devices.length).toBeGreaterThan(0);
      const gpu = stepMs({ KDLAB_BACKEND: 'tensorflow-gpu' });
      const cpu = stepMs({ KDLAB_BACKEND: 'tensorflow' });
      console.log(`conv training step: GPU build ${gpu.toFixed(1)} ms, CPU build ${cpu.toFixed(1)} ms, speed-up ${(cpu / gpu).toFixed(1)}x`);
      expect(cpu / gpu).toBeGreaterThanOrEqual(10);
    } else {
      expect(info.device).toBe('cpu');
      expect(info.gpu.devices).toEqual([]);
      expect(env.stderr).toMatch(/no CUDA device is visible/);
    }
  });
});
