// `kdlab bench <name> [options]`: each benchmark is one module tools/bench/<name>.ts
// exporting `description` and `run(args)`. A benchmark prints its figures and the
// ratio against its reference; it is not a timed test.
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';

const BENCH_DIR = path.resolve(__dirname, '../../../bench');

interface BenchModule { description: string; run(args: string[]): Promise<void> }

export function listBenchmarks(dir = BENCH_DIR): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3)).sort();
}

export function register(program: Command): void {
  program
    .command('bench')
    .description(`run a benchmark: ${listBenchmarks().join(', ')}`)
    .argument('<name>', 'benchmark name')
    .argument('[options...]', 'options passed to the benchmark')
    .allowUnknownOption()
    .action(async (name: string, options: string[]) => {
      const known = listBenchmarks();
      if (!known.includes(name)) throw new Error(`no benchmark '${name}' (known: ${known.join(', ')})`);
      const mod = (await import(path.join(BENCH_DIR, `${name}.ts`))) as BenchModule;
      await mod.run(options);
    });
}
