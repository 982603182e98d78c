// The command line, kept thin: parse arguments, call the library, render, and return the exit code.
import { Command, CommanderError } from 'commander';
import { registerScanCommand } from './scan-command.js';
import { registerProbeCommand } from './probe-command.js';
import { registerRulesCommands } from './rules-command.js';
import { UsageError } from './usage-error.js';
import { VERSION } from '../version.js';

/** Runs the CLI on `argv` (without `node` and the script) and resolves to the exit code: 0 clean, 1 findings, 2 error. */
export async function run(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('massassign')
    .description('Find, prove and fix mass assignment (CWE-915) in Flask APIs that authenticate with API keys.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  const setExitCode = (code: number) => { exitCode = code; };
  registerScanCommand(program, setExitCode);
  registerRulesCommands(program);
  registerProbeCommand(program, setExitCode);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`massassign: ${error instanceof UsageError ? '' : 'error: '}${message}\n`);
    return 2;
  }
  return exitCode;
}
