import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('env')
    .description('print the TensorFlow.js backend, device, threads (and the thread/oneDNN environment variables), the engine kernel changes and speed switches, library versions')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const { engine, engineInfo } = await import('@kdlab/engine');
      const info = engineInfo(engine);
      if (opts.json) return console.log(JSON.stringify(info));
      console.log(`backend: ${info.backend}`);
      console.log(`device: ${info.device} (${info.cpuModel})`);
      console.log(`provider: ${info.provider}`);
      console.log(`threads: ${info.threads}`);
      for (const [k, v] of Object.entries(info.threadEnv)) console.log(`env ${k}: ${v}`);
      for (const [k, v] of Object.entries(info.switches)) console.log(`env ${k}: ${v}`);
      for (const c of info.kernelChanges) console.log(`kernel: ${c}`);
      if (info.gpu) {
        const g = info.gpu;
        if (g.devices.length === 0) console.log('gpu: none visible (the GPU build runs on the CPU)');
        g.devices.forEach((d, i) => console.log(`gpu ${i}: ${d.name}${d.memoryMiB !== undefined ? `, ${d.memoryMiB} MiB` : ''}`));
        console.log(`cuda: ${g.cuda ?? 'unknown'}; cudnn: ${g.cudnn ?? 'unknown'}${g.driver ? `; driver: ${g.driver}` : ''}`);
      }
      for (const [k, v] of Object.entries(info.versions)) console.log(`version ${k}: ${v}`);
    });
}
