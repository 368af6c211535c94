import { describe, expect, it } from 'vitest';
import { parseInventory, requireHostName } from '../../src/core/inventory.js';
import { HpcrunError } from '../../src/errors.js';

describe('parseInventory', () => {
  it.each([
    ['node01\n', [{ name: 'node01', slots: undefined, maxSlots: undefined, line: 1 }]],
    ['# cluster\n\nnode01 slots=4\n  node02   slots=8 max_slots=8  # fat\n', [
      { name: 'node01', slots: 4, maxSlots: undefined, line: 3 },
      { name: 'node02', slots: 8, maxSlots: 8, line: 4 },
    ]],
    ['10.0.0.5 slots=2\r\n', [{ name: '10.0.0.5', slots: 2, maxSlots: undefined, line: 1 }]],
  ])('reads %j', (text, hosts) => {
    expect(parseInventory(text)).toEqual(hosts);
  });

  it.each([
    ['node01\nnode02 slots=four\n', /hosts:2: cannot read "slots=four"/],
    ['node01 slots=0\n', /hosts:1: slots must be at least 1/],
    ['node01 cores=4\n', /hosts:1: cannot read "cores=4"/],
    ['bad$host\n', /hosts:1: "bad\$host" is not a host name/],
    ['n slots=4 max_slots=2\n', /max_slots=2 is below slots=4/],
    ['# nothing\n\n', /lists no hosts/],
  ])('rejects %j naming the line', (text, message) => {
    const error = (() => {
      try {
        parseInventory(text, 'hosts');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(HpcrunError);
    expect((error as HpcrunError).message).toMatch(message);
    expect((error as HpcrunError).exitCode).toBe(65);
  });
});

describe('inventory limits and the hostfile forms hpcrun refuses (with the reason)', () => {
  const refuse = (text: string): HpcrunError => {
    try {
      parseInventory(text, 'hosts');
    } catch (error) {
      if (error instanceof HpcrunError) return error;
      throw error;
    }
    throw new Error('expected an HpcrunError');
  };

  it.each([
    ['node01 slots=99999999999999999999\n', /hosts:1: slots=99999999999999999999 is more than the 1,048,576 hpcrun allows per host/],
    ['node01 slots=1048577\n', /hosts:1: slots=1048577 is more than the 1,048,576/],
    ['node01 max_slots=2000000\n', /hosts:1: max_slots=2000000 is more than/],
    ['alice@node01 slots=2\n', /hosts:1: "alice@node01" names a user: per-host users \(user@host\) are not supported/],
    ['fe80::1 slots=2\n', /hosts:1: "fe80::1" is an IPv6 address: not supported/],
    ['[2001:db8::5] slots=2\n', /hosts:1: "\[2001:db8::5\]" is an IPv6 address/],
    ['::1\n', /hosts:1: "::1" is an IPv6 address/],
  ])('refuses %j', (text, message) => {
    const error = refuse(text);
    expect(error).toMatchObject({ code: 'HPCRUN_INVENTORY_SYNTAX', exitCode: 65 });
    expect(error.message).toMatch(message);
  });

  it('refuses a host named twice, the one rule for plan, launch and bench (Open MPI would sum its slots)', () => {
    expect(refuse('a slots=2\nb count=3\na slots=4\n')).toMatchObject({ code: 'HPCRUN_INVENTORY_DUPLICATE', exitCode: 65, message: 'hosts:3: host a is listed twice (first on line 1)' });
  });

  it('says what to do instead of user@host and IPv6', () => {
    expect(refuse('alice@node01\n').hint).toBe('write the host alone (node01) and give the user for every host with --user alice');
    expect(refuse('fe80::1\n').hint).toMatch(/give the node a name \(in \/etc\/hosts or DNS\) or an IPv4 address/);
  });

  it('accepts the largest slot count', () => {
    expect(parseInventory('big slots=1048576\n')[0]?.slots).toBe(1_048_576);
  });

  it('--head gets the same reasons', () => {
    expect(() => requireHostName('alice@login01', '--head')).toThrow(/--head: "alice@login01" names a user/);
    expect(() => requireHostName('2001:db8::1', '--head')).toThrow(/--head: "2001:db8::1" is an IPv6 address/);
    expect(requireHostName('login01', '--head')).toBe('login01');
  });
});
