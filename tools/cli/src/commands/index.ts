// Every subcommand is one module in this folder exporting `register(program)`.
// They are discovered, so adding a command touches no shared file.
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';

export type Register = (program: Command) => void;

export function loadCommands(dir: string = __dirname): Register[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ts$/.test(f) && !/\.(test|d)\.ts$/.test(f) && f !== 'index.ts')
    .sort()
    .map((f) => {
      const mod = require(path.join(dir, f)) as { register?: Register };
      if (typeof mod.register !== 'function') throw new Error(`${path.join(dir, f)}: a command module must export register(program)`);
      return mod.register;
    });
}
