// Commander wiring only. Each subcommand lives in src/commands/<name>.ts and
// exports `register(program, deps)`; this file assembles them and maps every
// failure to an exit status in one place.

import { Command, CommanderError } from 'commander';
import { type Deps } from './deps.js';
import { EXIT_CODES, HpcrunError, formatError, isHpcrunError } from './errors.js';
import { VERSION } from './version.js';
import { register as registerTestbed } from './commands/testbed.js';
import { register as registerLaunch } from './commands/launch.js';
import { register as registerDemo } from './commands/demo.js';
import { register as registerPlan } from './commands/plan.js';
import { register as registerImport } from './commands/import.js';
import { register as registerBench } from './commands/bench.js';
import { register as registerCluster } from './commands/cluster.js';

/** Lets a command set the process exit status without exiting (launch passes on its program's). */
export interface ExitStatus {
  code: number;
}

export function buildProgram(deps: Deps, status: ExitStatus = { code: 0 }): Command {
  const program = new Command('hpcrun')
    .description('Plan, launch and benchmark tightly coupled MPI jobs')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage and examples)')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
    });
  for (const register of [registerDemo, registerTestbed, registerLaunch, registerPlan, registerBench, registerImport, registerCluster]) {
    register(program, deps, status);
  }
  // Subcommands inherit the error handling and output streams.
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
    });
  }
  return program;
}

/** Runs the CLI and returns the exit status. Never calls process.exit. */
export async function main(deps: Deps): Promise<number> {
  const status: ExitStatus = { code: 0 };
  try {
    const program = buildProgram(deps, status);
    await program.parseAsync([...deps.argv]);
    return status.code;
  } catch (error) {
    return reportError(error, deps);
  }
}

export function reportError(error: unknown, deps: Pick<Deps, 'stderr'>): number {
  if (error instanceof CommanderError) {
    // Help and version output are not errors.
    // Asked-for help and version are not errors; help shown because a
    // subcommand is missing (`hpcrun`, `hpcrun testbed`) is a usage error.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    // Commander already printed its message; map to our usage status.
    return EXIT_CODES.usage;
  }
  if (isHpcrunError(error)) {
    deps.stderr.write(`${formatError(error)}\n`);
    return error.exitCode;
  }
  const internal = new HpcrunError('internal', 'HPCRUN_INTERNAL', error instanceof Error ? (error.stack ?? error.message) : String(error), {
    hint: 'this is a bug in hpcrun; please report it with the command you ran',
  });
  deps.stderr.write(`${formatError(internal)}\n`);
  return internal.exitCode;
}
