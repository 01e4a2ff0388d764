// `kdlab bench engine`: EDSR-baseline (16 res blocks x 64 ch, x4 pixel-shuffle
// tail) trained with L1 + Adam on batch 16 of 48x48 LR patches, on the tfjs
// `tensorflow` backend and in PyTorch on the CPU, in one run, interleaved after
// warm-up, so both see the same machine state. Also x4 inference of a 256x256 image.
//
// FLOP convention: forward FLOPs = 2 x MACs of conv/dense layers (countFlops);
// a training step counts 3 x forward (forward + grad wrt input + grad wrt weights).
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import type { Scalar, Tensor4D } from '@kdlab/engine';

export const description = 'EDSR-baseline x4 training step and inference: tfjs tensorflow backend vs PyTorch CPU';

interface Options { rounds: number; steps: number; python: string; threads: number; device: 'cpu' | 'gpu' }

const BATCH = 16;
const LR_PATCH = 48;
const SCALE = 4;
const INFER_HW = 256;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * PyTorch's best settings on this machine, measured (batch-16 EDSR-baseline step):
 * glibc default 3.2 s, jemalloc 4.2 s, jemalloc + channels_last 3.0 s,
 * glibc with raised mmap/trim thresholds 2.55 s, and that + channels_last 2.3 s.
 * glibc otherwise returns large conv buffers to the OS after every op.
 * KDLAB_BENCH_TORCH_ALLOCATOR=jemalloc (with libjemalloc2 installed) tries jemalloc instead.
 */
function torchEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KDLAB_BENCH_THREADS: String(threads),
    OMP_NUM_THREADS: String(threads),
    KDLAB_BENCH_TORCH_CHANNELS_LAST: process.env.KDLAB_BENCH_TORCH_CHANNELS_LAST ?? '1',
  };
  const jemalloc = ['/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2'].find((p) => fs.existsSync(p));
  if (process.env.KDLAB_BENCH_TORCH_ALLOCATOR === 'jemalloc') {
    if (!jemalloc) throw new Error('KDLAB_BENCH_TORCH_ALLOCATOR=jemalloc but libjemalloc.so.2 is not installed (apt-get install libjemalloc2)');
    env.LD_PRELOAD = jemalloc;
  } else {
    env.MALLOC_MMAP_THRESHOLD_ = '10000000000';
    env.MALLOC_TRIM_THRESHOLD_ = '10000000000';
  }
  return env;
}

class TorchWorker {
  private lines: AsyncIterableIterator<string>;
  private constructor(private proc: ChildProcessWithoutNullStreams) {
    this.lines = readline.createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  }

  static async start(python: string, threads: number): Promise<{ worker: TorchWorker; hello: Record<string, unknown> }> {
    const script = path.join(__dirname, 'engine_torch.py');
    const proc = spawn(python, [script], { env: { ...torchEnv(threads), KDLAB_BENCH_DEVICE: process.env.KDLAB_BACKEND === 'tensorflow-gpu' ? 'cuda' : 'cpu' } });
    proc.stderr.on('data', (b) => process.stderr.write(`[torch] ${b}`));
    const worker = new TorchWorker(proc);
    const first = await worker.lines.next();
    if (first.done) throw new Error(`${script} exited before it started`);
    return { worker, hello: JSON.parse(first.value).hello };
  }

  async run(cmd: 'train' | 'infer', n: number): Promise<number[]> {
    this.proc.stdin.write(JSON.stringify(cmd === 'train' ? { cmd, steps: n } : { cmd, reps: n }) + '\n');
    const line = await this.lines.next();
    if (line.done) throw new Error('the PyTorch worker exited');
    return (JSON.parse(line.value).times as number[]).map((s) => s * 1000);
  }

  quit(): void {
    this.proc.stdin.write('{"cmd":"quit"}\n');
    this.proc.stdin.end();
  }
}

function parse(args: string[]): Options {
  const opts: Options = { rounds: 5, steps: 3, python: process.env.KDLAB_BENCH_PYTHON ?? '/usr/bin/python3', threads: 2, device: 'cpu' };
  for (let i = 0; i < args.length; i += 2) {
    const [k, v] = [args[i], args[i + 1]];
    if (k === '--rounds') opts.rounds = Number(v);
    else if (k === '--steps') opts.steps = Number(v);
    else if (k === '--python') opts.python = v;
    else if (k === '--threads') opts.threads = Number(v);
    else if (k === '--device') {
      if (v !== 'cpu' && v !== 'gpu') throw new Error(`bench engine: --device ${v}: expected cpu or gpu`);
      opts.device = v;
    } else throw new Error(`bench engine: unknown option ${k} (known: --rounds, --steps, --python, --threads, --device)`);
  }
  return opts;
}

function torchAvailable(python: string, cuda: boolean): boolean {
  const probe = cuda ? 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 3)' : 'import torch';
  return spawnSync(python, ['-c', probe], { stdio: 'ignore' }).status === 0;
}

/** --device gpu: tfjs-node-gpu against PyTorch on the same CUDA device; both must be there (nothing is installed here). */
async function checkGpu(python: string): Promise<void> {
  const { cudaDevicePresent, gpuBindingBuilt, GPU_INSTALL_HINT } = await import('@kdlab/engine/src/backend');
  if (!cudaDevicePresent()) throw new Error('bench engine --device gpu: no CUDA device is visible (/dev/nvidia0); `npm run test:gpu` checks the GPU build on the CPU');
  if (!gpuBindingBuilt()) throw new Error(`bench engine --device gpu: @tensorflow/tfjs-node-gpu is not built. ${GPU_INSTALL_HINT}`);
  if (!torchAvailable(python, true)) {
    throw new Error(
      `bench engine --device gpu: PyTorch at ${python} cannot see a CUDA device. The benchmark installs nothing itself: create a venv, ` +
        '`pip install torch` there (PyPI\'s Linux wheels of torch are CUDA 12 builds) and pass --python <venv>/bin/python (or KDLAB_BENCH_PYTHON).',
    );
  }
  process.env.KDLAB_BACKEND = 'tensorflow-gpu';
}

export async function run(args: string[]): Promise<void> {
  const opts = parse(args);
  if (opts.device === 'gpu') await checkGpu(opts.python);
  if (!torchAvailable(opts.python, false)) {
    throw new Error(
      `PyTorch is not importable by ${opts.python}. The benchmark installs nothing itself; install PyTorch for the CPU, ` +
        "e.g. Debian's `apt-get install python3-torch` (then the default /usr/bin/python3 works) or a CPU wheel with pip, " +
        'and point --python (or KDLAB_BENCH_PYTHON) at that interpreter. Optional: `apt-get install libjemalloc2` (used when present).',
    );
  }
  // TF's intra-op pool follows this; set before the engine loads.
  process.env.TF_NUM_INTRAOP_THREADS ??= String(opts.threads);
  const { tf, engine, engineInfo } = await import('@kdlab/engine');
  const { buildBackbone, countFlops, countParams } = await import('@kdlab/backbones');

  const model = buildBackbone({ arch: 'edsr-paper-student', scale: SCALE }, 0);
  const trainFlops = 3 * countFlops(model, [LR_PATCH, LR_PATCH]) * BATCH;
  const inferFlops = countFlops(model, [INFER_HW, INFER_HW]);
  const lr = tf.randomUniform([BATCH, LR_PATCH, LR_PATCH, 3], 0, 1, 'float32', 1) as Tensor4D;
  const hr = tf.randomUniform([BATCH, LR_PATCH * SCALE, LR_PATCH * SCALE, 3], 0, 1, 'float32', 2) as Tensor4D;
  const img = tf.randomUniform([1, INFER_HW, INFER_HW, 3], 0, 1, 'float32', 3) as Tensor4D;
  const optimizer = tf.train.adam(1e-4);
  const tfTrain = (n: number) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const cost = optimizer.minimize(() => tf.mean(tf.abs(tf.sub(model.apply(lr, { training: true }) as Tensor4D, hr))) as Scalar, true)!;
      cost.dataSync();
      cost.dispose();
      times.push(performance.now() - t);
    }
    return times;
  };
  const tfInfer = (n: number) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      tf.tidy(() => (model.predict(img) as Tensor4D).sum().dataSync());
      times.push(performance.now() - t);
    }
    return times;
  };

  const info = engineInfo(engine);
  const { worker, hello } = await TorchWorker.start(opts.python, opts.threads);
  console.log(`model: EDSR-baseline x${SCALE}, ${countParams(model).toLocaleString('en-US')} params (PyTorch: ${Number(hello.params).toLocaleString('en-US')})`);
  console.log(`train step: batch ${BATCH} of ${LR_PATCH}x${LR_PATCH} LR, L1 + Adam; ${(trainFlops / 1e9).toFixed(1)} GFLOP per step (3 x forward)`);
  console.log(`tfjs: backend ${info.backend}, TensorFlow ${info.versions['tensorflow-c'] ?? '?'}, tfjs-node ${info.versions['tfjs-node'] ?? '?'}, threads ${process.env.TF_NUM_INTRAOP_THREADS}`);
  console.log(`pytorch: ${hello.torch}, device ${hello.device}, threads ${hello.threads}, mkldnn ${hello.mkldnn}, channels_last ${hello.channels_last}, allocator ${hello.allocator}`);
  if (info.gpu) console.log(`tfjs device: ${info.gpu.devices.map((d) => d.name).join(', ') || 'none'}; CUDA ${info.gpu.cuda}, cuDNN ${info.gpu.cudnn}`);

  // Warm-up: first steps build kernels, Adam slots and allocator pools.
  tfTrain(2);
  await worker.run('train', 2);
  tfInfer(1);
  await worker.run('infer', 1);

  const tfSteps: number[] = [], ptSteps: number[] = [], tfInf: number[] = [], ptInf: number[] = [];
  for (let r = 0; r < opts.rounds; r++) {
    tfSteps.push(...tfTrain(opts.steps));
    ptSteps.push(...(await worker.run('train', opts.steps)));
    tfInf.push(...tfInfer(1));
    ptInf.push(...(await worker.run('infer', 1)));
    console.log(`round ${r + 1}/${opts.rounds}: train tfjs ${median(tfSteps).toFixed(0)} ms, pytorch ${median(ptSteps).toFixed(0)} ms (running medians)`);
  }
  worker.quit();
  tf.dispose([lr, hr, img]);
  optimizer.dispose();

  const row = (label: string, ms: number, flops: number) =>
    console.log(`${label.padEnd(26)} median ${ms.toFixed(1).padStart(8)} ms   ${(flops / (ms / 1000) / 1e9).toFixed(1).padStart(6)} GFLOP/s`);
  row('train step  tfjs', median(tfSteps), trainFlops);
  row('train step  pytorch', median(ptSteps), trainFlops);
  row(`infer ${INFER_HW}x${INFER_HW} x${SCALE} tfjs`, median(tfInf), inferFlops);
  row(`infer ${INFER_HW}x${INFER_HW} x${SCALE} pytorch`, median(ptInf), inferFlops);
  console.log(`ratio infer tfjs/pytorch=${(median(tfInf) / median(ptInf)).toFixed(3)}`);
  console.log(`ratio tfjs/pytorch=${(median(tfSteps) / median(ptSteps)).toFixed(3)}`);
}
