/**
 * The headless entry: `flowbench train | resume | runs | show | sample | evaluate |
 * pipeline | serve | data inspect`. Composition root for the CLI: each command lives in
 * host/cli/ and opens what it needs (store, configs, engine jobs); this file builds the
 * program and turns errors into messages and exit codes.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from './config/index.js';
import { DataError } from './data/index.js';
import { FaultSpecError } from './engine/protocol/index.js';
import { registerDataCommands } from './host/cli/data-commands.js';
import { registerEvaluateCommands } from './host/cli/evaluate-commands.js';
import { registerHistoryCommands } from './host/cli/history-commands.js';
import { EXIT_BAD_INPUT, EXIT_FAILED } from './host/cli/options.js';
import { registerSampleCommand } from './host/cli/sample-command.js';
import { registerServeCommand } from './host/cli/serve-command.js';
import { registerTrainCommands } from './host/cli/train-commands.js';
import { UsageError } from './host/usage-error.js';
import { RunNotFoundError } from './store/index.js';

export function buildProgram(): Command {
  const program = new Command('flowbench')
    .description('Rectified-flow pretraining workbench for industrial vibration signals')
    .showHelpAfterError()
    .exitOverride();
  registerTrainCommands(program);
  registerHistoryCommands(program);
  registerSampleCommand(program);
  registerEvaluateCommands(program);
  registerServeCommand(program);
  registerDataCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are not errors; commander already printed the message
      return err.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    if (err instanceof ConfigError || err instanceof DataError || err instanceof UsageError || err instanceof FaultSpecError || err instanceof RunNotFoundError) {
      process.stderr.write(`flowbench: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`flowbench: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.FLOWBENCH_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    return EXIT_FAILED;
  }
}

process.exitCode = await main(process.argv.slice(2));
