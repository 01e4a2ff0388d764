import type { Command } from 'commander';
import { register as env } from './env';
import { register as quickstart } from './quickstart';

/** Every subcommand, in the order `kdlab --help` lists them. */
export const commands: Array<(program: Command) => void> = [env, quickstart];
