// Slurm allocation parsing (src/core/slurm/hostlist.ts): hostlists, per-node
// counts and the SLURM_* environment. The hostlist cases are also checked
// against the real `scontrol show hostnames` / `show hostlist` when scontrol is
// installed; those commands only parse, so a two-line slurm.conf in a temporary
// folder is all they need (without one, 22.05 dies looking up DNS SRV records).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caught } from '../helpers/cli.js';
import { compressHostlist, expandHostlist, parseTasksPerNode, readAllocation } from '../../src/core/slurm/hostlist.js';

const hosts = (text: string): string[] => text.split(' ');

// Hostlists that hpcrun and scontrol both read, with the hosts they stand for.
const EXPANSIONS: [string, string][] = [
  ['sn1', 'sn1'],
  ['sn[1-3,5]', 'sn1 sn2 sn3 sn5'],
  ['a[01-10]', 'a01 a02 a03 a04 a05 a06 a07 a08 a09 a10'],
  ['n[8-10]', 'n8 n9 n10'],
  ['n[098-101]', 'n098 n099 n100 n101'],
  ['n[01-2]', 'n01 n02'], // the low end sets the width
  ['n[1-02]', 'n1 n2'],
  ['n[007]', 'n007'],
  ['n[0-0]', 'n0'],
  ['rack[1-2]-n[01-02]', 'rack1-n01 rack1-n02 rack2-n01 rack2-n02'],
  ['a[1-2][3-4]', 'a13 a14 a23 a24'],
  ['a,b[1-2],c', 'a b1 b2 c'],
  ['n[3,1,2]', 'n3 n1 n2'], // order kept
  ['n[1,1]', 'n1 n1'], // duplicates kept
  ['[1-3]', '1 2 3'],
  ['n[1-2],m[3-4]', 'n1 n2 m3 m4'],
  ['a b', 'a b'],
  ['a, b', 'a b'],
  ['gpu-a100-[1-2]', 'gpu-a100-1 gpu-a100-2'],
  ['n1-ib', 'n1-ib'],
];

// Malformed hostlists that both refuse (scontrol prints "Invalid hostlist" to stderr yet exits 0).
const BOTH_REFUSE: [string, RegExp][] = [
  ['n[5-3]', /range 5-3 runs backwards/],
  ['n[]', /"\[\]" holds "", not a number/],
  ['n[-1]', /holds "-1"/],
  ['n[a-b]', /holds "a-b"/],
  ['n[1-3/2]', /holds "1-3\/2"/],
  ['n[1-2]]', /"\]" without "\[" \(column 7\)/],
];

// Where hpcrun and scontrol 22.05 part ways (scontrol's answer in the comment).
const HPCRUN_ONLY: [string, string][] = [
  ['n[1-2]-ib', 'n1-ib n2-ib'], // scontrol: Invalid hostlist (no text after the last bracket)
  ['rack[1-2]-n[1-2]-ib', 'rack1-n1-ib rack1-n2-ib rack2-n1-ib rack2-n2-ib'], // same
  ['n[1-2]x[3-4]y', 'n1x3y n1x4y n2x3y n2x4y'], // same
  ['  sn[1-2]\n', 'sn1 sn2'], // surrounding blanks from a shell or a file
];
const SCONTROL_ONLY: [string, RegExp][] = [
  ['', /names no hosts/], // scontrol: prints nothing
  ['a,,b', /empty host name/], // scontrol: a b
  ['a,', /empty host name/], // scontrol: a
  ['n[1-2', /"\[" is never closed/], // scontrol: n]
  ['n1-2]', /"\]" without "\["/], // scontrol: n1-2]
  ['n[[1-2]', /brackets cannot nest/], // scontrol: n[1 n[2
  ['n[1-]', /holds "1-"/], // scontrol: n1
  ['n[ 1-2]', /blank inside brackets/], // scontrol: n01 n02
];

describe('expandHostlist', () => {
  it.each(EXPANSIONS)('expands %j', (text, expected) => {
    expect(expandHostlist(text)).toEqual(hosts(expected));
  });

  it.each(HPCRUN_ONLY)('expands %j, which scontrol 22.05 refuses or reads otherwise', (text, expected) => {
    expect(expandHostlist(text)).toEqual(hosts(expected));
  });

  // scontrol: "Too many hosts in range"; it allows 65536 per range.
  it('expands a range longer than the 65536 scontrol allows', () => {
    expect(expandHostlist('n[0-65536]')).toHaveLength(65537);
  });

  it.each([...BOTH_REFUSE, ...SCONTROL_ONLY])('refuses %j', (text, message) => {
    const error = caught(() => expandHostlist(text));
    expect(error.code).toBe('HPCRUN_SLURM_HOSTLIST');
    expect(error.kind).toBe('input');
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/sn\[1-3,5\]|low end first/);
  });

  it('quotes only the start of a long hostlist', () => {
    const error = caught(() => expandHostlist(`${'sn1,'.repeat(500)}sn[2`));
    expect(error.message).toBe(`hostlist "${'sn1,'.repeat(19)}s...": "[" is never closed`);
  });

  it('suggests the right order for a backwards range', () => {
    expect(caught(() => expandHostlist('n[5-3]')).hint).toBe('write the low end first, as in [3-5]');
  });

  it.each([
    ['n[0-1000000]', 1000001],
    ['a[1-1000]-b[1-1001]', 1001000],
    ['a[1-600000],b[1-600000]', 1200000],
    ['n[1-99999999999999]', 99999999999999],
  ])('refuses %j, which stands for %i hosts', (text, count) => {
    const error = caught(() => expandHostlist(text));
    expect(error.code).toBe('HPCRUN_SLURM_HOSTLIST');
    expect(error.message).toContain(`stands for ${count} hosts, more than the 1000000 hpcrun handles`);
  });

  it('expands up to a million hosts', () => {
    const all = expandHostlist('a[0-999]-b[000-999]');
    expect(all).toHaveLength(1_000_000);
    expect(all.at(-1)).toBe('a999-b999');
  });
});

// Host lists and how hpcrun and `scontrol show hostlist` both write them.
const COMPRESSIONS: [string, string][] = [
  ['sn1 sn2 sn3 sn5', 'sn[1-3,5]'],
  ['n3 n1 n2', 'n[3,1-2]'],
  ['n2 n1', 'n[2,1]'],
  ['n1 n1 n2', 'n[1,1-2]'],
  ['a01 a02 a03 a10', 'a[01-03,10]'],
  ['n8 n9 n10', 'n[8-10]'],
  ['n08 n09 n10', 'n[08-10]'],
  ['n099 n100', 'n[099-100]'],
  ['n9 n10 n011', 'n[9-10,011]'],
  ['n9 n010', 'n[9,010]'],
  ['n1 n02', 'n[1,02]'],
  ['n01 n2', 'n[01,2]'],
  ['n0 n00 n000', 'n[0,00,000]'],
  ['a b c', 'a,b,c'],
  ['x', 'x'],
  ['n007', 'n007'],
  ['rack1-n01 rack1-n02 rack2-n01 rack2-n02', 'rack1-n[01-02],rack2-n[01-02]'],
  ['n1-ib n2-ib', 'n1-ib,n2-ib'], // only trailing digits are bracketed
  ['n1 m1 n2', 'n1,m1,n2'], // only neighbours share brackets
  ['node node1 node2', 'node,node[1-2]'],
  ['a1b2 a1b3', 'a1b[2-3]'],
  ['n-1 n-2', 'n-[1-2]'],
  ['1 2 3', '[1-3]'],
  ['n1 n2 x n3', 'n[1-2],x,n3'],
  ['a9 a10 a11 a09', 'a[9-11,09]'],
];

describe('compressHostlist', () => {
  it.each(COMPRESSIONS)('writes %j as %j', (list, expected) => {
    expect(compressHostlist(hosts(list))).toBe(expected);
    expect(expandHostlist(expected)).toEqual(hosts(list));
  });

  it('writes no hosts as an empty string', () => {
    expect(compressHostlist([])).toBe('');
  });

  it.each(['', 'a,b', 'n[1]', 'a b'])('refuses the host name %j', (name) => {
    expect(caught(() => compressHostlist(['n1', name])).code).toBe('HPCRUN_SLURM_HOSTLIST');
  });

  // A seeded generator of host lists with runs, gaps, duplicates, padding and suffixes.
  it('round-trips through expandHostlist for 2000 random host lists', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
      return (seed >>> 0) % n;
    };
    const pick = <T>(items: readonly T[]): T => items[random(items.length)] as T;
    for (let trial = 0; trial < 2000; trial++) {
      const list: string[] = [];
      let n = random(120);
      for (let i = 1 + random(12); i > 0; i--) {
        n = pick([n + 1, n + 1, n + 1, n, n + 2 + random(5), random(120)]);
        const digits = String(n).padStart(pick([0, 0, 2, 3]), '0');
        list.push(`${pick(['n', 'sn', 'rack1-n', 'x9y', ''])}${pick([digits, digits, digits, `${digits}-ib`, 'login'])}`);
      }
      const text = compressHostlist(list);
      expect(expandHostlist(text), `${JSON.stringify(list)} -> ${text}`).toEqual(list);
    }
  });
});

describe('parseTasksPerNode', () => {
  it.each([
    ['2', undefined, [2]],
    ['2,1', undefined, [2, 1]],
    ['2(x3),1', undefined, [2, 2, 2, 1]],
    ['2(x3),1', 4, [2, 2, 2, 1]],
    ['36(x2),72,1(x1)', 4, [36, 36, 72, 1]],
    ['4(x1000)', 1000, Array(1000).fill(4)],
    [' 8 ', 1, [8]],
  ])('reads %j (nodes: %s)', (text, nodeCount, expected) => {
    expect(parseTasksPerNode(text, nodeCount)).toEqual(expected);
  });

  it.each([
    ['', undefined, /is empty/],
    ['2,', undefined, /holds "", not a count/],
    ['2(3)', undefined, /holds "2\(3\)"/],
    ['2(x3', undefined, /holds "2\(x3"/],
    ['2, 1', undefined, /holds " 1"/],
    ['x', undefined, /holds "x"/],
    ['0', undefined, /counts and repeats start at 1/],
    ['2(x0)', undefined, /counts and repeats start at 1/],
    ['1(x2000000)', undefined, /more than 1000000 nodes/],
    ['2(x3),1', 3, /SLURM_TASKS_PER_NODE="2\(x3\),1" gives counts for 4 nodes, but the allocation has 3/],
    ['2', 2, /gives counts for 1 node, but the allocation has 2/],
  ])('refuses %j (nodes: %s)', (text, nodeCount, message) => {
    const error = caught(() => parseTasksPerNode(text, nodeCount));
    expect(error.code).toBe('HPCRUN_SLURM_TASKS');
    expect(error.kind).toBe('input');
    expect(error.message).toMatch(message);
  });
});

// What sbatch -N4 --ntasks-per-node=2 on 8-CPU nodes sets, trimmed to the variables read.
const SBATCH = {
  SLURM_JOB_ID: '4242',
  SLURM_JOB_NODELIST: 'sn[1-3,5]',
  SLURM_NODELIST: 'sn[1-3,5]',
  SLURM_JOB_NUM_NODES: '4',
  SLURM_TASKS_PER_NODE: '2(x4)',
  SLURM_NTASKS_PER_NODE: '2',
  SLURM_NTASKS: '8',
  SLURM_JOB_CPUS_PER_NODE: '8(x4)',
  SLURM_CPUS_ON_NODE: '8',
};
const only = (names: string[], extra: Record<string, string | undefined> = {}): Record<string, string | undefined> => ({
  ...Object.fromEntries(Object.entries(SBATCH).filter(([name]) => names.includes(name))),
  ...extra,
});
const nodes = (list: string, tasks: number[], cpus: (number | undefined)[]) => expandHostlist(list).map((host, i) => ({ host, tasks: tasks[i], cpus: cpus[i] }));

describe('readAllocation', () => {
  it.each([
    ['nothing outside Slurm', {}],
    ['nothing when SLURM_JOB_ID is empty', { ...SBATCH, SLURM_JOB_ID: '' }],
    ['nothing from the other variables alone', { ...SBATCH, SLURM_JOB_ID: undefined }],
  ])('reads %s', (_, env) => {
    expect(readAllocation(env)).toBeUndefined();
  });

  it.each([
    ['everything sbatch sets', SBATCH, 'sn[1-3,5]', [2, 2, 2, 2], [8, 8, 8, 8]],
    ['uneven tasks and CPUs', { ...SBATCH, SLURM_TASKS_PER_NODE: '3(x2),1(x2)', SLURM_JOB_CPUS_PER_NODE: '4,8(x3)', SLURM_NTASKS_PER_NODE: undefined }, 'sn[1-3,5]', [3, 3, 1, 1], [4, 8, 8, 8]],
    ['SLURM_NODELIST without SLURM_JOB_NODELIST', only(['SLURM_JOB_ID', 'SLURM_NODELIST', 'SLURM_TASKS_PER_NODE']), 'sn[1-3,5]', [2, 2, 2, 2], [undefined, undefined, undefined, undefined]],
    ['SLURM_JOB_NODELIST over SLURM_NODELIST', only(['SLURM_JOB_ID', 'SLURM_JOB_NODELIST', 'SLURM_TASKS_PER_NODE'], { SLURM_NODELIST: 'other[1-4]' }), 'sn[1-3,5]', [2, 2, 2, 2], [undefined, undefined, undefined, undefined]],
    ['SLURM_NTASKS_PER_NODE without SLURM_TASKS_PER_NODE', only(['SLURM_JOB_ID', 'SLURM_JOB_NODELIST', 'SLURM_NTASKS_PER_NODE', 'SLURM_CPUS_ON_NODE']), 'sn[1-3,5]', [2, 2, 2, 2], [8, 8, 8, 8]],
    ['one task per CPU from SLURM_JOB_CPUS_PER_NODE', only(['SLURM_JOB_ID', 'SLURM_JOB_NODELIST'], { SLURM_JOB_CPUS_PER_NODE: '4(x2),2(x2)', SLURM_CPUS_ON_NODE: '4' }), 'sn[1-3,5]', [4, 4, 2, 2], [4, 4, 2, 2]],
    ['one task per CPU from SLURM_CPUS_ON_NODE', only(['SLURM_JOB_ID', 'SLURM_JOB_NODELIST', 'SLURM_CPUS_ON_NODE', 'SLURM_JOB_NUM_NODES']), 'sn[1-3,5]', [8, 8, 8, 8], [8, 8, 8, 8]],
    ['a single node', { SLURM_JOB_ID: '7', SLURM_JOB_NODELIST: 'login', SLURM_TASKS_PER_NODE: '1', SLURM_NTASKS: '1', SLURM_JOB_NUM_NODES: '1' }, 'login', [1], [undefined]],
  ])('reads %s', (_, env, list, tasks, cpus) => {
    const allocation = readAllocation(env);
    expect(allocation).toEqual({ jobId: env.SLURM_JOB_ID, nodes: nodes(list, tasks, cpus), totalTasks: tasks.reduce((a, b) => a + b, 0) });
  });

  it.each([
    ['no node list', { SLURM_JOB_ID: '1' }, 'HPCRUN_SLURM_ENV', /SLURM_JOB_ID=1 is set but neither SLURM_JOB_NODELIST nor SLURM_NODELIST is/],
    ['a malformed node list', { ...SBATCH, SLURM_JOB_NODELIST: 'sn[1-3' }, 'HPCRUN_SLURM_HOSTLIST', /^SLURM_JOB_NODELIST "sn\[1-3": "\[" is never closed/],
    ['a malformed fallback node list', only(['SLURM_JOB_ID', 'SLURM_TASKS_PER_NODE'], { SLURM_NODELIST: 'sn[3-1]' }), 'HPCRUN_SLURM_HOSTLIST', /^SLURM_NODELIST "sn\[3-1\]": range 3-1 runs backwards/],
    ['a node named twice', { ...SBATCH, SLURM_JOB_NODELIST: 'sn[1-3],sn1' }, 'HPCRUN_SLURM_ENV', /SLURM_JOB_NODELIST="sn\[1-3\],sn1" names sn1 twice/],
    ['a node count that disagrees', { ...SBATCH, SLURM_JOB_NUM_NODES: '5' }, 'HPCRUN_SLURM_ENV', /SLURM_JOB_NUM_NODES=5 but SLURM_JOB_NODELIST="sn\[1-3,5\]" names 4 nodes/],
    ['a node count that is not a number', { ...SBATCH, SLURM_JOB_NUM_NODES: 'four' }, 'HPCRUN_SLURM_ENV', /SLURM_JOB_NUM_NODES="four" is not a positive whole number/],
    ['tasks for too few nodes', { ...SBATCH, SLURM_TASKS_PER_NODE: '2(x3)' }, 'HPCRUN_SLURM_TASKS', /SLURM_TASKS_PER_NODE="2\(x3\)" gives counts for 3 nodes, but the allocation has 4/],
    ['malformed tasks', { ...SBATCH, SLURM_TASKS_PER_NODE: '2x4' }, 'HPCRUN_SLURM_TASKS', /SLURM_TASKS_PER_NODE="2x4" holds "2x4"/],
    ['CPUs for too many nodes', { ...SBATCH, SLURM_JOB_CPUS_PER_NODE: '8(x5)' }, 'HPCRUN_SLURM_ENV', /SLURM_JOB_CPUS_PER_NODE="8\(x5\)" gives counts for 5 nodes, but the allocation has 4/],
    ['a bad SLURM_CPUS_ON_NODE', { ...SBATCH, SLURM_CPUS_ON_NODE: '0' }, 'HPCRUN_SLURM_ENV', /SLURM_CPUS_ON_NODE="0" is not a positive whole number/],
    ['a bad SLURM_NTASKS_PER_NODE', only(['SLURM_JOB_ID', 'SLURM_JOB_NODELIST'], { SLURM_NTASKS_PER_NODE: '-1' }), 'HPCRUN_SLURM_TASKS', /SLURM_NTASKS_PER_NODE="-1" is not a positive whole number/],
    ['a task total that disagrees', { ...SBATCH, SLURM_NTASKS: '7' }, 'HPCRUN_SLURM_TASKS', /SLURM_NTASKS=7 but SLURM_TASKS_PER_NODE adds up to 8 tasks over 4 nodes/],
    ['a task total that disagrees with the CPUs', only(['SLURM_JOB_ID', 'SLURM_JOB_NODELIST', 'SLURM_JOB_CPUS_PER_NODE'], { SLURM_NTASKS: '4' }), 'HPCRUN_SLURM_TASKS', /SLURM_NTASKS=4 but SLURM_JOB_CPUS_PER_NODE adds up to 32 tasks/],
    ['nothing about tasks or CPUs', only(['SLURM_JOB_ID', 'SLURM_JOB_NODELIST']), 'HPCRUN_SLURM_TASKS', /SLURM_JOB_ID=4242 is set but nothing says how many tasks run per node/],
  ])('refuses %s, naming the variable', (_, env, code, message) => {
    const error = caught(() => readAllocation(env));
    expect(error.code).toBe(code);
    expect(error.kind).toBe('input');
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
  });
});

const scontrol = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'scontrol')).find((path) => existsSync(path));

describe.skipIf(!scontrol)(scontrol ? `agreement with the real ${scontrol}` : 'agreement with scontrol: SKIPPED, no scontrol on PATH', () => {
  let dir = '';
  const run = async (...args: string[]): Promise<{ out: string; err: string }> => {
    const result = await execa(scontrol as string, args, { env: { SLURM_CONF: join(dir, 'slurm.conf') }, reject: false, timeout: 20_000 });
    return { out: result.stdout, err: result.stderr };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpcrun-scontrol-'));
    // ClusterName and SlurmctldHost are the two settings 22.05 insists on; nothing is contacted.
    writeFileSync(join(dir, 'slurm.conf'), 'ClusterName=hpcrun-test\nSlurmctldHost=localhost\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(EXPANSIONS)('scontrol show hostnames %j prints the same hosts', async (text) => {
    const { out, err } = await run('show', 'hostnames', text);
    expect(err).toBe('');
    expect(out.split('\n')).toEqual(expandHostlist(text));
  });

  it.each(BOTH_REFUSE)('scontrol show hostnames %j refuses it too', async (text) => {
    const { out, err } = await run('show', 'hostnames', text);
    expect(out).toBe('');
    expect(err).toContain(`Invalid hostlist: ${text}`);
  });

  it.each(COMPRESSIONS)('scontrol show hostlist %j writes it the same way', async (list) => {
    const { out, err } = await run('show', 'hostlist', hosts(list).join(','));
    expect(err).toBe('');
    expect(out).toBe(compressHostlist(hosts(list)));
  });

  it.each(EXPANSIONS)('scontrol show hostlist writes the hosts of %j the same way', async (text) => {
    const expanded = expandHostlist(text);
    expect((await run('show', 'hostlist', expanded.join(','))).out).toBe(compressHostlist(expanded));
  });
});
