// Which inventory host is the machine hpcrun runs on (checked without SSH in an early launch).

import { describe, expect, it } from 'vitest';
import type { NetworkInterfaceInfo } from 'node:os';
import { isThisMachine } from '../../src/providers/ssh/here.js';

const address = (ip: string, family: 'IPv4' | 'IPv6'): NetworkInterfaceInfo =>
  ({ address: ip, family, netmask: family === 'IPv4' ? '255.255.255.0' : 'ffff:ffff:ffff:ffff::', mac: '00:00:00:00:00:00', internal: false, cidr: null, scopeid: 0 }) as NetworkInterfaceInfo;
const interfaces = { lo: [address('127.0.0.1', 'IPv4'), address('::1', 'IPv6')], eth0: [address('10.213.0.11', 'IPv4')] };

describe('isThisMachine', () => {
  it.each([
    ['localhost', true],
    ['n1', true],
    ['n1.cluster.example', true],
    ['10.213.0.11', true],
    ['127.0.0.1', true],
    ['::1', true],
    ['n2', false],
    ['n10', false],
    ['n1x.cluster.example', false],
    ['10.213.0.12', false],
  ])('%s on n1.cluster.example: %s', (host, expected) => {
    expect(isThisMachine(host, 'n1.cluster.example', interfaces)).toBe(expected);
  });

  it('matches a full name against a short host name', () => {
    expect(isThisMachine('n1.cluster.example', 'n1', interfaces)).toBe(true);
    expect(isThisMachine('n2.cluster.example', 'n1', interfaces)).toBe(false);
  });
});
