import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli.js';
import type { Deps } from '../../src/deps.js';
import { runCli } from '../helpers/cli.js';

const quiet: Deps = {
  argv: [],
  env: {},
  stdout: { write: () => true },
  stderr: { write: () => true },
  cwd: process.cwd(),
  now: () => new Date(0),
  onSignal: () => () => undefined,
};

/** Every command path of the CLI, nested ones included: ['plan'], ['testbed', 'exec'], ... */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return sub.commands.length > 0 ? [path, ...commandPaths(sub, path)] : [path];
  });
}

const FORM = /^hpcrun: error HPCRUN_USAGE_[A-Z_]+: .+\n {2}fix: .+\n$/;

describe('commander usage errors exit 64 in the hpcrun error form, at every depth', () => {
  const paths = commandPaths(buildProgram(quiet));

  it('finds the nested commands too', () => {
    expect(paths).toContainEqual(['testbed', 'exec']);
    expect(paths).toContainEqual(['testbed', 'up']);
  });

  it.each(paths.map((path) => [path.join(' '), path]))('hpcrun %s --no-such-option exits 64', async (_name, path) => {
    const run = await runCli([...(path as string[]), '--no-such-option']);
    expect(run.code).toBe(64);
    expect(run.err).toMatch(FORM);
    expect(run.err).toContain('HPCRUN_USAGE_UNKNOWN_OPTION');
    expect(run.err).toContain(`\`hpcrun ${(path as string[]).join(' ')} --help\``);
  });

  it.each([
    // argv, code, message
    [['testbed', 'exec'], 'HPCRUN_USAGE_MISSING_ARGUMENT', /missing required argument 'command'/],
    [['testbed', 'up', '--nodes'], 'HPCRUN_USAGE_OPTION_NEEDS_VALUE', /'--nodes <n>' argument missing/],
    [['testbed', 'nope'], 'HPCRUN_USAGE_UNKNOWN_COMMAND', /unknown command 'nope'/],
    [['nope'], 'HPCRUN_USAGE_UNKNOWN_COMMAND', /unknown command 'nope'/],
    [['launch', '--mpi', 'lam', '--', 'true'], 'HPCRUN_USAGE_INVALID_VALUE', /'lam' is invalid/],
    [['plan', 'a.json', 'b.json'], 'HPCRUN_USAGE_EXCESS_ARGUMENTS', /too many arguments/],
    [['import'], 'HPCRUN_USAGE_MISSING_ARGUMENT', /missing required argument 'FILE'/],
    [['testbed', 'status', 'extra'], 'HPCRUN_USAGE_EXCESS_ARGUMENTS', /too many arguments/],
  ])('hpcrun %j exits 64 with %s', async (argv, code, message) => {
    const run = await runCli(argv);
    expect(run.code).toBe(64);
    expect(run.err).toMatch(FORM);
    expect(run.err).toContain(code);
    expect(run.err).toMatch(message);
  });

  it.each([[[]], [['testbed']]])('hpcrun %j prints help, then a usage error naming the subcommands', async (argv) => {
    const run = await runCli(argv);
    expect(run.code).toBe(64);
    expect(run.err).toMatch(/Usage: hpcrun/);
    expect(run.err).toMatch(/hpcrun: error HPCRUN_USAGE_NO_COMMAND: `hpcrun.*` needs one of its subcommands\n {2}fix: choose one of /);
  });

  it.each([[['--help']], [['--version']], [['help']], [['testbed', '--help']], [['testbed', 'exec', '--help']], [['help', 'plan']]])('hpcrun %j is not an error', async (argv) => {
    const run = await runCli(argv);
    expect(run.code).toBe(0);
    expect(run.err).toBe('');
  });
});

describe('every command has --help with examples', () => {
  const paths = commandPaths(buildProgram(quiet));
  it.each(paths.map((path) => [path.join(' '), path]))('hpcrun %s --help', async (_name, path) => {
    const run = await runCli([...(path as string[]), '--help']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/\nExamples:\n/);
    expect(run.out).toContain(`hpcrun ${(path as string[]).join(' ')}`);
  });
});
