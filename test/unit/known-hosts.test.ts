import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lookupName, parseKnownHosts, verifyHostKey } from '../../src/core/known-hosts.js';

const KEY_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const KEY_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIObbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

function hashed(name: string): string {
  const salt = Buffer.from('0123456789abcdefghij');
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('verifyHostKey', () => {
  const text = [
    '# comment',
    `node01,10.0.0.1 ssh-ed25519 ${KEY_A}`,
    `${hashed('node02')} ssh-ed25519 ${KEY_A}`,
    `[node03]:2222 ssh-ed25519 ${KEY_B}`,
    `*.cluster,!bad.cluster ssh-ed25519 ${KEY_A}`,
    `@revoked node04 ssh-ed25519 ${KEY_B}`,
    `node04 ssh-ed25519 ${KEY_B}`,
    `@cert-authority * ssh-ed25519 ${KEY_B}`,
    'garbage line',
  ].join('\n');
  const entries = parseKnownHosts(text);

  it.each([
    ['node01', 22, KEY_A, 'match'],
    ['10.0.0.1', 22, KEY_A, 'match'],
    ['node01', 22, KEY_B, 'mismatch'],
    ['node02', 22, KEY_A, 'match'],
    ['node02', 22, KEY_B, 'mismatch'],
    ['node03', 2222, KEY_B, 'match'],
    ['node03', 22, KEY_B, 'unknown'],
    ['a.cluster', 22, KEY_A, 'match'],
    ['bad.cluster', 22, KEY_A, 'unknown'],
    ['node04', 22, KEY_B, 'revoked'],
    ['elsewhere', 22, KEY_A, 'unknown'],
  ])('%s:%i with the presented key is %s', (host, port, key, verdict) => {
    expect(verifyHostKey(entries, [lookupName(host, port)], 'ssh-ed25519', key)).toBe(verdict);
  });
});
