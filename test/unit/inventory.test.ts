import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/core/inventory.js';
import { HpcrunError } from '../../src/errors.js';

describe('parseInventory', () => {
  it.each([
    ['node01\n', [{ name: 'node01', slots: undefined, maxSlots: undefined, line: 1 }]],
    ['# cluster\n\nnode01 slots=4\n  node02   slots=8 max_slots=8  # fat\n', [
      { name: 'node01', slots: 4, maxSlots: undefined, line: 3 },
      { name: 'node02', slots: 8, maxSlots: 8, line: 4 },
    ]],
    ['10.0.0.5 slots=2\r\n', [{ name: '10.0.0.5', slots: 2, maxSlots: undefined, line: 1 }]],
    ['a slots=2\nb count=3\na slots=4\n', [
      { name: 'a', slots: 6, maxSlots: undefined, line: 1 },
      { name: 'b', slots: 3, maxSlots: undefined, line: 2 },
    ]],
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
