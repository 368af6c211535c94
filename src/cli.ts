// Commander wiring only. Each subcommand lives in src/commands/<name>.ts and
// exports `register(program, deps)`; this file assembles them and maps every
// failure to an exit status in one place.

import { Command, CommanderError } from 'commander';
import { type Deps } from './deps.js';
import { EXIT_CODES, HpcrunError, formatError, isHpcrunError, usageError } from './errors.js';
import { VERSION } from './version.js';
import { register as registerTestbed } from './cli/testbed.js';
import { register as registerLaunch } from './cli/launch.js';
import { register as registerDemo } from './cli/demo.js';
import { register as registerPlan } from './cli/plan.js';
import { register as registerImport } from './cli/import.js';
import { register as registerBench } from './cli/bench.js';
import { register as registerSubmit } from './cli/submit.js';
import { register as registerCluster } from './cli/cluster.js';
import { register as registerModel } from './cli/model.js';
import { register as registerPredict } from './cli/predict.js';
import { register as registerCalibrate } from './cli/calibrate.js';
import { register as registerGate } from './cli/gate.js';
import { register as registerNightly } from './cli/nightly.js';
import { register as registerReport } from './cli/report.js';
import { register as registerConnections } from './cli/connections.js';

/** Lets a command set the process exit status without exiting (launch passes on its program's). */
export interface ExitStatus {
  code: number;
}

export function buildProgram(deps: Deps, status: ExitStatus = { code: 0 }): Command {
  const program = new Command('hpcrun')
    .description('Plan, launch and benchmark tightly coupled MPI jobs')
    .version(VERSION, '-V, --version')
    .enablePositionalOptions();
  for (const register of [registerDemo, registerTestbed, registerLaunch, registerConnections, registerPlan, registerBench, registerSubmit, registerImport, registerCluster, registerModel, registerPredict, registerCalibrate, registerReport, registerGate, registerNightly]) {
    register(program, deps, status);
  }
  configureTree(program, deps);
  return program;
}

/**
 * Every command at every depth (`hpcrun testbed exec` too) gets the same
 * error handling and output streams: commander never exits the process and
 * never prints its own error line; its usage errors become HpcrunErrors.
 */
function configureTree(command: Command, deps: Deps): void {
  command
    .exitOverride((error) => {
      throw fromCommander(error, command);
    })
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
      outputError: () => undefined,
    });
  for (const sub of command.commands) configureTree(sub, deps);
}

/** `hpcrun testbed exec`: the command's path, for hints. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Commander's error codes and the stable hpcrun codes they map to. */
export const COMMANDER_CODES: Readonly<Record<string, string>> = {
  'commander.unknownOption': 'HPCRUN_USAGE_UNKNOWN_OPTION',
  'commander.unknownCommand': 'HPCRUN_USAGE_UNKNOWN_COMMAND',
  'commander.missingArgument': 'HPCRUN_USAGE_MISSING_ARGUMENT',
  'commander.optionMissingArgument': 'HPCRUN_USAGE_OPTION_NEEDS_VALUE',
  'commander.missingMandatoryOptionValue': 'HPCRUN_USAGE_MISSING_OPTION',
  'commander.invalidArgument': 'HPCRUN_USAGE_INVALID_VALUE',
  'commander.excessArguments': 'HPCRUN_USAGE_EXCESS_ARGUMENTS',
  'commander.conflictingOption': 'HPCRUN_USAGE_CONFLICTING_OPTIONS',
  'commander.help': 'HPCRUN_USAGE_NO_COMMAND',
};

/**
 * Asked-for help and version pass through as CommanderErrors (status 0);
 * everything else is a usage error (64) with a code and a fix line.
 */
export function fromCommander(error: CommanderError, command: Command): CommanderError | HpcrunError {
  if (error.exitCode === 0 && (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help')) return error;
  const path = commandPath(command);
  const code = COMMANDER_CODES[error.code] ?? 'HPCRUN_USAGE';
  if (error.code === 'commander.help') {
    // Help was printed because no subcommand was given (`hpcrun`, `hpcrun testbed`).
    const names = command.commands.map((sub) => sub.name());
    return usageError(code, `\`${path}\` needs one of its subcommands`, `choose one of ${names.join(', ')}, for example \`${path} ${names[0] ?? ''} --help\``);
  }
  const message = error.message.replace(/^error: /, '');
  const what = error.code === 'commander.unknownCommand' ? 'the list of commands' : 'its options, arguments and examples';
  return new HpcrunError('usage', code, message, { cause: error, hint: `run \`${path} --help\` for ${what}` });
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
    // Asked-for help and version are not errors (fromCommander lets only those through).
    if (error.exitCode === 0) return 0;
    // Not expected: every command's errors go through fromCommander. Still a usage error.
    deps.stderr.write(`${formatError(usageError('HPCRUN_USAGE', error.message.replace(/^error: /, ''), 'run `hpcrun --help` for usage'))}\n`);
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
