// Peak memory of one tfjs workload of `kdlab bench engine`, in a fresh process, so that
// no other workload's buffers (which TensorFlow's allocator keeps) raise the mark.
// Usage (engine.ts spawns it): node --require tsx/cjs tools/bench/engine_peak.ts <train|infer|cls>
// Prints one JSON line: RSS before the steps and the process's high-water mark after two
// steps (KiB), and tf.profile's peak tensor bytes within the second step.
import * as engine from '@kdlab/engine';
import * as backbones from '@kdlab/backbones';
import { WORKLOADS, clsWorkload, edsrWorkloads, rssKiB, type WorkloadName } from './engine_workloads';

async function main(name: string): Promise<void> {
  if (!(WORKLOADS as readonly string[]).includes(name) || name === 'matmul') throw new Error(`engine_peak: workload ${JSON.stringify(name)} is not one of train, infer, cls`);
  const workload = name === 'cls' ? clsWorkload(engine, backbones) : edsrWorkloads(engine, backbones)[name as Exclude<WorkloadName, 'cls' | 'matmul'>];
  const before = rssKiB().rss;
  workload.run(1);
  const profile = await engine.tf.profile(() => {
    workload.run(1);
  });
  const mem = engine.tf.memory();
  console.log(JSON.stringify({ rssBeforeKiB: before, hwmKiB: rssKiB().hwm, peakTensorBytes: profile.peakBytes, tensors: mem.numTensors, tensorBytes: mem.numBytes }));
}

main(process.argv[2] ?? '').catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
