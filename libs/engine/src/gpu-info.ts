// What the GPU build runs on: the visible CUDA devices (from the NVIDIA driver's own tools, since
// tfjs-node exposes no device list) and the CUDA/cuDNN versions the binding was built against (the
// stamp tools/provision/tfjs-native.js --gpu writes beside the staged libraries).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface GpuDevice {
  name: string;
  memoryMiB?: number;
}

export interface GpuInfo {
  devices: GpuDevice[];
  /** Versions of the CUDA runtime and cuDNN wheels the binding was built with. */
  cuda?: string;
  cudnn?: string;
  tensorflow?: string;
  driver?: string;
}

interface BuildStamp {
  tensorflow?: string;
  cudaRuntime?: string;
  cudnn?: string;
}

function buildStamp(): BuildStamp {
  try {
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-node-gpu/package.json'));
    return JSON.parse(fs.readFileSync(path.join(dir, 'deps', 'kdlab-gpu-build.json'), 'utf8')) as BuildStamp;
  } catch {
    return {};
  }
}

/** `nvidia-smi` rows as "name, memory.total [MiB], driver_version"; none when the tool or a device is missing. */
export function parseNvidiaSmi(csv: string): { devices: GpuDevice[]; driver?: string } {
  const rows = csv
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => l.split(',').map((c) => c.trim()));
  const devices = rows.map(([name, mem]) => ({ name, memoryMiB: Number.isFinite(parseFloat(mem)) ? parseFloat(mem) : undefined }));
  return { devices, driver: rows[0]?.[2] };
}

export function gpuInfo(): GpuInfo {
  const stamp = buildStamp();
  const smi = spawnSync('nvidia-smi', ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits'], { encoding: 'utf8' });
  const found = smi.status === 0 ? parseNvidiaSmi(smi.stdout) : { devices: [] as GpuDevice[] };
  return { devices: found.devices, driver: 'driver' in found ? found.driver : undefined, cuda: stamp.cudaRuntime, cudnn: stamp.cudnn, tensorflow: stamp.tensorflow };
}
