import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_HINTS, EXIT_CODES, HpcrunError, formatError, type ErrorKind } from '../../src/errors.js';
import { keyProblem, resolveSshSettings } from '../../src/exec/ssh.js';
import { requirePort, requirePositiveInt } from '../../src/core/units.js';
import { count, grouped, list, noun } from '../../src/core/text.js';
import { nodeCapacity, sizeAtMost } from '../../src/core/plan/capacity.js';
import { planJob } from '../../src/core/plan/index.js';
import { renderSummary } from '../../src/core/render/index.js';
import { blockPlacement } from '../../src/core/launch.js';
import { summarise } from '../../src/providers/checks.js';
import { parseSize } from '../../src/core/units.js';
import { caught, runCli } from '../helpers/cli.js';
import { cores, job } from '../fixtures/plan/helpers.js';

describe('every error prints a fix line', () => {
  it.each(Object.keys(EXIT_CODES) as ErrorKind[])('a %s error without its own hint gets the kind\'s fix', (kind) => {
    const text = formatError(new HpcrunError(kind, 'HPCRUN_X', 'something happened'));
    expect(text).toBe(`hpcrun: error HPCRUN_X: something happened\n  fix: ${DEFAULT_HINTS[kind]}`);
    expect(DEFAULT_HINTS[kind].length).toBeGreaterThan(10);
  });
});

describe('fixes that fit the option', () => {
  it.each(['0', '4x', '-1', '70000', '65536', '', '22.5'])('--port %j: a port from 1 to 65535, never "--port 4"', (text) => {
    const error = caught(() => requirePort(text));
    expect(error).toMatchObject({ code: 'HPCRUN_BAD_PORT', exitCode: 64 });
    expect(error.message).toBe(`--port ${JSON.stringify(text)} is not a TCP port`);
    expect(error.hint).toBe('give a port from 1 to 65535, for example --port 22 (the SSH default) or --port 2222');
  });

  it.each([['1', 1], ['22', 22], ['65535', 65535]])('--port %s is %i', (text, port) => {
    expect(requirePort(text)).toBe(port);
  });

  it.each([
    ['--np', undefined, 'for example --np 4'],
    ['--max-samples', 1000, 'for example --max-samples 1000'],
    ['--nodes', 3, 'for example --nodes 3'],
  ])('%s gets its own example', (option, example, hint) => {
    expect(caught(() => requirePositiveInt('zero', option, example)).hint).toBe(hint);
  });

  it('hpcrun launch --port 0 (the reported case)', async () => {
    const run = await runCli(['launch', '--hosts', '/dev/null', '--port', '0', '--', 'true']);
    expect(run.code).toBe(64);
    expect(run.err).toBe('hpcrun: error HPCRUN_BAD_PORT: --port "0" is not a TCP port\n  fix: give a port from 1 to 65535, for example --port 22 (the SSH default) or --port 2222\n');
  });
});

describe('memory per rank that cannot fit', () => {
  const GiB = 1024 ** 3;
  it.each([
    // node memory, per rank, message, fix
    [1 * GiB, 1024 ** 2, /has 1 GiB, all of it kept back as the OS reserve \(the larger of 2 GiB and 5%: 2 GiB\), so no rank fits/, /more than 2 GiB of memory/],
    [2 * GiB, 1, /has 2 GiB, all of it kept back/, /more than 2 GiB/],
    [240 * GiB, 300 * GiB, /one rank needs 300 GiB; custom-8c has 240 GiB, 228 GiB usable after the 12 GiB OS reserve/, /lower --mem-per-rank to at most 228GiB or/],
    [2 * GiB + 512 * 1024 ** 2, GiB, /512 MiB usable/, /at most 512MiB or/],
  ])('%i bytes per node, %i per rank', (memory, perRank, message, fix) => {
    const error = caught(() => nodeCapacity(job({ ranks: 4, memPerRankBytes: perRank }), cores(8, memory / GiB), undefined));
    expect(error).toMatchObject({ kind: 'infeasible', exitCode: 67 });
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(fix);
    expect(`${error.message} ${error.hint}`).not.toMatch(/\b0 B\b/);
  });

  it.each([
    [228 * GiB, '228GiB'],
    [227.96 * GiB, '227.9GiB'],
    [512 * 1024 ** 2, '512MiB'],
    [1.5 * 1024 ** 2, '1MiB'],
  ])('sizeAtMost(%i) = %s: never above, and readable back', (bytes, text) => {
    expect(sizeAtMost(bytes)).toBe(text);
    expect(parseSize(text)).toBeLessThanOrEqual(bytes);
  });
});

describe('identity files that cannot be used say why', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpcrun-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const plain = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
  const encrypted = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'secret' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
  const parsed = ssh2.utils.parseKey(plain);
  if (parsed instanceof Error) throw parsed;
  const publicLine = `ssh-rsa ${(Array.isArray(parsed) ? parsed[0] : parsed).getPublicSSH().toString('base64')} me@host\n`;

  it.each([
    ['a usable private key', plain, undefined, undefined],
    ['an encrypted key', encrypted, 'the key is encrypted (it has a passphrase)', /ssh-add/],
    ['garbage', 'garbage\nnot a key\n', 'it is not a private key hpcrun can read (Unsupported key format)', /ssh-keygen -t ed25519/],
    ['an empty file', '', 'it is not a private key hpcrun can read', /OpenSSH, PEM or PuTTY/],
    ['a public key', publicLine, 'it is a public key', /without \.pub/],
  ])('%s', async (_name, text, what, fix) => {
    const problem = await keyProblem(text);
    if (what === undefined) {
      expect(problem).toBeUndefined();
      return;
    }
    expect(problem?.what).toContain(what);
    expect(problem?.fix).toMatch(fix as RegExp);
    if (!/encrypted/.test(what)) expect(problem?.what).not.toMatch(/encrypt/i);
    // Through --identity, the same words reach the user.
    const path = join(dir, `key-${what.length}`);
    writeFileSync(path, text);
    const error = await resolveSshSettings({ identity: path, env: { HOME: dir } }).catch((e: unknown) => e as HpcrunError);
    expect(error).toMatchObject({ code: 'HPCRUN_IDENTITY_UNUSABLE', exitCode: 65 });
    expect((error as HpcrunError).message).toBe(`cannot use the identity file ${path}: ${problem?.what}`);
  });
});

describe('counts read as English', () => {
  it.each([
    [1, 'thread', undefined, '1 thread'],
    [2, 'thread', undefined, '2 threads'],
    [0, 'row', undefined, '0 rows'],
    [1, 'policy', 'policies', '1 policy'],
    [3, 'policy', 'policies', '3 policies'],
    [262144, 'rank', undefined, '262,144 ranks'],
  ])('count(%i, %s)', (n, word, plural, text) => {
    expect(count(n, word, plural)).toBe(text);
    expect(noun(n, word, plural)).toBe(text.split(' ').slice(1).join(' '));
  });

  it('groups digits as en-US toLocaleString does, without Intl', () => {
    const samples = [0, 1, -1, 999, 1000, -1000, 12345, 999999, 1000000, -1234567, 262144, 2 ** 31, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    for (let n = 1; n < 1e15; n = n * 7 + 3) samples.push(n, -n);
    for (const n of samples) expect(grouped(n), String(n)).toBe(n.toLocaleString('en-US'));
    // Not a safe integer: toLocaleString's own text.
    expect(grouped(1234.5678)).toBe('1,234.568');
  });

  it.each([[[], ''], [['a'], 'a'], [['a', 'b'], 'a and b'], [['a', 'b', 'c'], 'a, b and c']])('list(%j) = %j', (items, text) => {
    expect(list(items)).toBe(text);
  });

  it('a one-rank, one-thread plan says "1 rank x 1 thread"', () => {
    const text = renderSummary(planJob(job({ ranks: 1 }), cores(1)));
    expect(text).toContain('plan: 1 rank on 1 x custom-1c');
    expect(text).toContain('per node: 1 rank x 1 thread;');
    expect(text).not.toMatch(/\b1 (ranks|threads)\b/);
  });

  it('slots and hosts in placement errors', () => {
    expect(caught(() => blockPlacement([{ name: 'a', slots: 1 }], 1, 2)).message).toBe('--ppn 2 does not fit on a, which has 1 slot');
    expect(caught(() => blockPlacement([{ name: 'a', slots: 1 }], 3)).message).toBe('--np 3 needs 3 slots but the 1 host offers 1');
    expect(caught(() => blockPlacement([{ name: 'a', slots: 1 }, { name: 'b', slots: 1 }], 3)).message).toBe('--np 3 needs 3 slots but the 2 hosts offer 2');
  });

  it('the preflight summary', () => {
    const probe = (cores: number) => ({ hostname: 'h', cpus: cores, physicalCores: cores, memAvailableBytes: 2 * 1024 ** 3, mpirunPath: '/usr/bin/mpirun', mpi: { flavour: 'openmpi' as const, version: '4.1.4' }, mpiText: '', program: undefined });
    expect(summarise([{ host: 'a', probe: probe(1) }], 500)).toBe('preflight: 1 host ok in 0.5 s: openmpi 4.1.4, 1 physical core, ≥ 2.0 GiB free\n');
    expect(summarise([{ host: 'a', probe: probe(2) }, { host: 'b', probe: probe(2) }], 500)).toBe('preflight: 2 hosts ok in 0.5 s: openmpi 4.1.4, 2 physical cores, ≥ 2.0 GiB free each\n');
  });
});
