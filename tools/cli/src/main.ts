// The `kdlab` command line. Each subcommand is one module in ./commands that
// exports a `register(program)` function; add a module and list it below.
import { Command } from 'commander';
import { loadCommands } from './commands';

export function buildProgram(): Command {
  const program = new Command('kdlab')
    .description('knowledge distillation across modalities, on TensorFlow.js')
    .showHelpAfterError()
    .exitOverride();
  for (const register of loadCommands()) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') process.exit(0);
    if (code?.startsWith('commander.')) process.exit(2);
    console.error(`kdlab: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.KDLAB_DEBUG) console.error(err);
    process.exit(1);
  }
}
