import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { EXIT_CODES, HpcrunError, formatError } from '../../src/errors.js';

describe('exit codes', () => {
  it('are distinct per kind and stay clear of the common 0, 1 and 2', () => {
    const codes = Object.values(EXIT_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toBeGreaterThan(2);
  });

  it('format as code, message and fix', () => {
    const error = new HpcrunError('infeasible', 'HPCRUN_X', 'does not fit', { hint: 'lower it' });
    expect(error.exitCode).toBe(67);
    expect(formatError(error)).toBe('hpcrun: error HPCRUN_X: does not fit\n  fix: lower it');
  });
});

describe('the CLI maps failures to documented statuses', () => {
  it.each([
    [['--no-such-flag'], 64, /unknown option/],
    [['launch', '--np', '2', '--', 'true'], 64, /HPCRUN_NO_HOSTS/],
    [['launch', '--hosts', '/nonexistent/hosts', '--np', '2', '--', 'true'], 66, /HPCRUN_INVENTORY_MISSING.*\/nonexistent\/hosts/],
    [['launch', '--hosts', '/dev/null', '--np', 'two', '--', 'true'], 64, /--np "two" is not a positive whole number/],
    [['launch', '--hosts', '/dev/null', '--np', '2', '--timeout', 'soon', '--', 'true'], 64, /--timeout "soon" is not a positive duration/],
    [['launch', '--hosts', '/dev/null', '--np', '2', '--', 'true'], 65, /lists no hosts/],
    [['testbed', 'up', '--nodes', '0'], 64, /--nodes "0" is not a positive whole number/],
    [['testbed', 'up', '--bandwidth', 'fast'], 64, /not a link rate/],
  ])('hpcrun %j exits %i', async (argv, status, message) => {
    const run = await runCli(argv, { env: { HOME: '/nonexistent' } });
    expect(run.code).toBe(status);
    expect(run.err).toMatch(message);
  });

  it('prints help with examples and exits 0', async () => {
    const run = await runCli(['launch', '--help']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/Examples:\n\s+hpcrun launch --hosts/);
  });
});
