// `kdlab bench engine`: EDSR-baseline (16 res blocks x 64 ch, x4 pixel-shuffle
// tail) trained with L1 + Adam on batch 16 of 48x48 LR patches, on the tfjs
// `tensorflow` backend and in PyTorch on the CPU, in one run, interleaved after
// warm-up, so both see the same machine state. Also x4 inference of a 256x256 image,
// a classification KD step (student resnet8x4 <- frozen resnet32x4 teacher, CE + KD
// at T = 4, SGD momentum 0.9, batch 64 of 32x32x3, 100 classes), and each side's
// GFLOP/s on a 2048x2048 float32 matmul (this machine's attainable peak, measured in
// the same run). Peak resident memory of each step kind is measured afterwards in a
// fresh process per side and kind (engine_peak.ts; the worker for PyTorch), since an
// allocator keeps what earlier steps used and one process's high-water mark would
// only show the largest workload. The workloads and FLOP convention: engine_workloads.ts.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { CLS, EDSR, MATMUL_N, clsWorkload, edsrWorkloads, matmulWorkload, type WorkloadName } from './engine_workloads';

export const description = 'EDSR-baseline x4 training step and inference, CIFAR KD step (resnet8x4 <- resnet32x4), matmul peak, peak memory: tfjs tensorflow backend vs PyTorch CPU';

interface Options { rounds: number; steps: number; python: string; threads: number; device: 'cpu' | 'gpu' }

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

interface Peak { rssBeforeKiB: number; hwmKiB: number; detail: string }

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

  private async ask(req: object): Promise<Record<string, unknown>> {
    this.proc.stdin.write(JSON.stringify(req) + '\n');
    const line = await this.lines.next();
    if (line.done) throw new Error('the PyTorch worker exited');
    return JSON.parse(line.value);
  }

  async run(cmd: WorkloadName, n: number): Promise<number[]> {
    const reply = await this.ask(cmd === 'train' || cmd === 'cls' ? { cmd, steps: n } : { cmd, reps: n });
    return (reply.times as number[]).map((s) => s * 1000);
  }

  /** In a fresh worker: RSS before two steps of `of` and the high-water mark after them (KiB). */
  async peak(of: Exclude<WorkloadName, 'matmul'>): Promise<Peak> {
    const r = await this.ask({ cmd: 'peak', of, steps: 2 });
    // Not getrusage's maxrss: Linux carries it across fork + exec, so the worker's starts at Node's mark.
    return { rssBeforeKiB: Number(r.rss_before_kb), hwmKiB: Number(r.hwm_kb), detail: 'VmHWM' };
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
  const engine = await import('@kdlab/engine');
  const backbones = await import('@kdlab/backbones');
  const { engineInfo } = engine;
  const edsr = edsrWorkloads(engine, backbones);
  const tfjs: Record<WorkloadName, ReturnType<typeof matmulWorkload>> = { ...edsr, cls: clsWorkload(engine, backbones), matmul: matmulWorkload(engine) };
  const { scale, batch, lrPatch, inferHw } = EDSR;

  const info = engineInfo(engine.engine);
  const { worker, hello } = await TorchWorker.start(opts.python, opts.threads);
  const n = (v: unknown) => Number(v).toLocaleString('en-US');
  console.log(`model: EDSR-baseline x${scale}, ${n(tfjs.train.params['EDSR-baseline'])} params (PyTorch: ${n(hello.params)})`);
  console.log(
    `classification: resnet8x4 ${n(tfjs.cls.params.resnet8x4)} params (PyTorch: ${n(hello.params_resnet8x4)}), resnet32x4 ${n(tfjs.cls.params.resnet32x4)} ` +
      `(PyTorch: ${n(hello.params_resnet32x4)}) (trainable; BN moving statistics not counted on either side)`,
  );
  console.log(`cls KD step: batch ${CLS.batch} of ${CLS.hw}x${CLS.hw}x3, ${CLS.classes} classes, CE + KD (T ${CLS.kdT}), SGD momentum ${CLS.momentum}; ${(tfjs.cls.flops / 1e9).toFixed(1)} GFLOP per step (3 x student + teacher forward)`);
  console.log(`train step: batch ${batch} of ${lrPatch}x${lrPatch} LR, L1 + Adam; ${(tfjs.train.flops / 1e9).toFixed(1)} GFLOP per step (3 x forward)`);
  console.log(`tfjs: backend ${info.backend}, TensorFlow ${info.versions['tensorflow-c'] ?? '?'}, tfjs-node ${info.versions['tfjs-node'] ?? '?'}, threads ${process.env.TF_NUM_INTRAOP_THREADS}, fused BN ${process.env.KDLAB_FUSED_BN === '0' ? 'off' : 'on'}`);
  console.log(`tfjs kernel changes: ${info.kernelChanges.join('; ') || 'none'}; switches ${Object.entries(info.switches).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  console.log(`pytorch: ${hello.torch}, device ${hello.device}, threads ${hello.threads}, mkldnn ${hello.mkldnn}, channels_last ${hello.channels_last}, allocator ${hello.allocator}`);
  if (info.gpu) console.log(`tfjs device: ${info.gpu.devices.map((d) => d.name).join(', ') || 'none'}; CUDA ${info.gpu.cuda}, cuDNN ${info.gpu.cudnn}`);

  // Warm-up: first steps build kernels, optimizer slots and allocator pools.
  const warm: [WorkloadName, number][] = [['train', 2], ['infer', 1], ['cls', 2], ['matmul', 2]];
  for (const [w, k] of warm) {
    tfjs[w].run(k);
    await worker.run(w, k);
  }

  // Per round and workload: tfjs then PyTorch, so slow drifts of the machine hit both.
  const perRound: Record<WorkloadName, number> = { train: opts.steps, infer: 1, cls: opts.steps, matmul: 3 };
  const times = Object.fromEntries(Object.keys(perRound).map((w) => [w, { tfjs: [] as number[], pytorch: [] as number[] }])) as Record<WorkloadName, { tfjs: number[]; pytorch: number[] }>;
  for (let r = 0; r < opts.rounds; r++) {
    for (const w of Object.keys(perRound) as WorkloadName[]) {
      times[w].tfjs.push(...tfjs[w].run(perRound[w]));
      times[w].pytorch.push(...(await worker.run(w, perRound[w])));
    }
    const t = (w: WorkloadName) => `tfjs ${median(times[w].tfjs).toFixed(0)} ms, pytorch ${median(times[w].pytorch).toFixed(0)} ms`;
    console.log(`round ${r + 1}/${opts.rounds}: train ${t('train')}; cls ${t('cls')} (running medians)`);
  }
  worker.quit();
  Object.values(tfjs).forEach((w) => w.dispose());

  const peaks = await measurePeaks(opts);

  const med = (w: WorkloadName, side: 'tfjs' | 'pytorch') => median(times[w][side]);
  const row = (label: string, ms: number, flops: number) =>
    console.log(`${label.padEnd(26)} median ${ms.toFixed(1).padStart(8)} ms   ${(flops / (ms / 1000) / 1e9).toFixed(1).padStart(6)} GFLOP/s`);
  row('train step  tfjs', med('train', 'tfjs'), tfjs.train.flops);
  row('train step  pytorch', med('train', 'pytorch'), tfjs.train.flops);
  row(`infer ${inferHw}x${inferHw} x${scale} tfjs`, med('infer', 'tfjs'), tfjs.infer.flops);
  row(`infer ${inferHw}x${inferHw} x${scale} pytorch`, med('infer', 'pytorch'), tfjs.infer.flops);
  row('cls KD step tfjs', med('cls', 'tfjs'), tfjs.cls.flops);
  row('cls KD step pytorch', med('cls', 'pytorch'), tfjs.cls.flops);
  row(`matmul ${MATMUL_N} tfjs`, med('matmul', 'tfjs'), tfjs.matmul.flops);
  row(`matmul ${MATMUL_N} pytorch`, med('matmul', 'pytorch'), tfjs.matmul.flops);
  // The machine's attainable peak: the faster side's matmul. A workload above 1.00 beat that matmul
  // (convolutions in oneDNN can run closer to the hardware than the matmul kernel measured here).
  const gflops = (w: WorkloadName, side: 'tfjs' | 'pytorch') => tfjs[w].flops / med(w, side) / 1e6;
  const peak = Math.max(gflops('matmul', 'tfjs'), gflops('matmul', 'pytorch'));
  console.log(`peak (faster side's ${MATMUL_N}x${MATMUL_N} float32 matmul): ${peak.toFixed(1)} GFLOP/s`);
  for (const w of ['train', 'infer', 'cls', 'matmul'] as const) {
    console.log(`fraction of peak ${w.padEnd(7)} tfjs ${(gflops(w, 'tfjs') / peak).toFixed(2)}  pytorch ${(gflops(w, 'pytorch') / peak).toFixed(2)}`);
  }
  for (const p of peaks) {
    const side = (x: Peak) => `${mib(x.hwmKiB)} (${mib(x.rssBeforeKiB)} before; ${x.detail})`;
    console.log(`peak RSS ${p.workload.padEnd(6)} tfjs ${side(p.tfjs)}  pytorch ${side(p.pytorch)}`);
  }
  console.log(`ratio cls tfjs/pytorch=${(med('cls', 'tfjs') / med('cls', 'pytorch')).toFixed(3)}`);
  console.log(`ratio infer tfjs/pytorch=${(med('infer', 'tfjs') / med('infer', 'pytorch')).toFixed(3)}`);
  console.log(`ratio tfjs/pytorch=${(med('train', 'tfjs') / med('train', 'pytorch')).toFixed(3)}`);
}

/** Peak RSS of two steps of each kind, each side in a fresh process (tfjs: engine_peak.ts; PyTorch: a new worker). */
async function measurePeaks(opts: Options): Promise<{ workload: string; tfjs: Peak; pytorch: Peak }[]> {
  const out: { workload: string; tfjs: Peak; pytorch: Peak }[] = [];
  for (const w of ['train', 'infer', 'cls'] as const) {
    const child = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'engine_peak.ts'), w], { env: process.env, encoding: 'utf8' });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !line.startsWith('{')) throw new Error(`bench engine: engine_peak.ts ${w} failed (status ${child.status}): ${child.stderr.slice(-500)}`);
    const r = JSON.parse(line) as { rssBeforeKiB: number; hwmKiB: number; peakTensorBytes: number; tensors: number; tensorBytes: number };
    const tfjs: Peak = { rssBeforeKiB: r.rssBeforeKiB, hwmKiB: r.hwmKiB, detail: `VmHWM; tf.profile peakBytes ${mib(r.peakTensorBytes / 1024)}, tf.memory after ${r.tensors} tensors ${mib(r.tensorBytes / 1024)}` };
    const { worker } = await TorchWorker.start(opts.python, opts.threads);
    const pytorch = await worker.peak(w);
    worker.quit();
    out.push({ workload: w, tfjs, pytorch });
  }
  return out;
}
