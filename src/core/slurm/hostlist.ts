// Reads a Slurm allocation from the environment sbatch/salloc set. Pure.
//
//   SLURM_JOB_NODELIST=sn[1-3,5]        hostlist syntax: ranges in brackets,
//   SLURM_TASKS_PER_NODE=2(x3),1        counts with repeats, one per node
//   SLURM_JOB_CPUS_PER_NODE=8(x4)
//
// Hostlist rules follow Slurm's (checked against `scontrol show hostnames` in
// test/unit/slurm-hostlist.test.ts): a range is low-high or one number, padded
// to the width of its low end (a[01-10], n[8-10] -> n8 n9 n10); several
// bracket groups make a cartesian product, leftmost slowest; order and
// duplicates are kept. Stricter than Slurm, which guesses at some mistakes:
// unbalanced brackets, empty names (a,,b) and open ranges (n[1-]) are refused.
// More lenient than Slurm 22.05, which refuses text after the last bracket:
// n[1-2]-ib is accepted here.

import { HpcrunError, inputError } from '../../errors.js';

interface AllocationNode {
  host: string;
  tasks: number;
  /** CPUs Slurm gave the job on this node; undefined when the environment does not say. */
  cpus: number | undefined;
}

interface Allocation {
  jobId: string;
  nodes: AllocationNode[];
  totalTasks: number;
}

/** No hostlist or count list may stand for more hosts than this. */
const MAX_HOSTS = 1_000_000;
const HOSTLIST = 'HPCRUN_SLURM_HOSTLIST';
const TASKS = 'HPCRUN_SLURM_TASKS';
const ENV = 'HPCRUN_SLURM_ENV';
const HOSTLIST_HINT = 'write host names like sn[1-3,5] or a[01-10]: names separated by commas, ranges low-high in brackets';
const ENV_HINT = 'hpcrun reads the allocation from the SLURM_* variables sbatch and salloc set; run it inside the allocation, or unset SLURM_JOB_ID to ignore Slurm';

const RANGE = /^(\d+)(?:-(\d+))?$/;
const COUNT = /^(\d+)(?:\(x(\d+)\))?$/;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
/** Quotes a value for a message, cut short: a node list can run to kilobytes. */
const quote = (text: string): string => JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);

function hostlistError(what: string, text: string, problem: string, hint = HOSTLIST_HINT): HpcrunError {
  return inputError(HOSTLIST, `${what} ${quote(text)}: ${problem}`, hint);
}

/** Splits at commas and blanks outside brackets, checking the brackets pair up. */
function splitNames(text: string, what: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '[') {
      if (depth > 0) throw hostlistError(what, text, `brackets cannot nest (column ${i + 1})`);
      depth = 1;
    } else if (c === ']') {
      if (depth === 0) throw hostlistError(what, text, `"]" without "[" (column ${i + 1})`);
      depth = 0;
    } else if (depth > 0 && /\s/.test(c)) {
      throw hostlistError(what, text, `blank inside brackets (column ${i + 1})`);
    } else if (depth === 0 && c === ',') {
      pieces.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth > 0) throw hostlistError(what, text, '"[" is never closed');
  pieces.push(text.slice(start));
  return pieces.flatMap((piece) => {
    const trimmed = piece.trim();
    if (trimmed === '') throw hostlistError(what, text, 'empty host name (two commas in a row, or one at an end)');
    return trimmed.split(/\s+/);
  });
}

/** The numbers in one bracket group, as text, in order. */
function groupValues(group: string, name: string, what: string): { count: number; values: () => string[] } {
  const ranges = group.split(',').map((element) => {
    const match = RANGE.exec(element);
    if (!match) throw hostlistError(what, name, `"[${group}]" holds "${element}", not a number or low-high range`);
    const lowText = match[1] as string;
    const low = Number(lowText);
    const high = match[2] === undefined ? low : Number(match[2]);
    if (!Number.isSafeInteger(high) || !Number.isSafeInteger(low)) throw hostlistError(what, name, `"${element}" is too large a number`);
    if (high < low) throw hostlistError(what, name, `range ${element} runs backwards`, `write the low end first, as in [${match[2]}-${lowText}]`);
    return { low, high, width: lowText.length };
  });
  return {
    count: ranges.reduce((sum, r) => sum + r.high - r.low + 1, 0),
    values: () => ranges.flatMap((r) => Array.from({ length: r.high - r.low + 1 }, (_, k) => pad(r.low + k, r.width))),
  };
}

function expand(text: string, what: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') throw hostlistError(what, text, 'names no hosts');
  const plans = splitNames(trimmed, what).map((name) => {
    // Odd indexes are the bracket contents, even ones the text between them.
    const parts = name.split(/\[([^\]]*)\]/);
    const groups = parts.map((part, i) => (i % 2 === 1 ? groupValues(part, name, what) : undefined));
    const count = groups.reduce((product, g) => product * (g?.count ?? 1), 1);
    return { parts, groups, count };
  });
  const total = plans.reduce((sum, p) => sum + p.count, 0);
  if (total > MAX_HOSTS) throw hostlistError(what, text, `stands for ${total} hosts, more than the ${MAX_HOSTS} hpcrun handles`, 'check the ranges; no allocation is this large');
  return plans.flatMap(({ parts, groups }) =>
    parts.reduce<string[]>((names, part, i) => {
      const values = groups[i]?.values();
      return values ? names.flatMap((prefix) => values.map((v) => prefix + v)) : names.map((prefix) => prefix + part);
    }, ['']),
  );
}

/** Expands Slurm hostlist syntax (`sn[1-3,5]`, `a[01-10]`, `rack[1-2]-n[01-02]`) into host names, in order. */
function expandHostlist(text: string): string[] {
  return expand(text, 'hostlist');
}

interface Run {
  prefix: string;
  /** Ranges of the trailing numbers; empty for a name that does not end in digits. */
  ranges: { low: number; high: number; width: number }[];
}

/**
 * Writes host names as a hostlist (`sn[1-3,5]`) for messages, as `scontrol show
 * hostlist` does: order and duplicates are kept, neighbours sharing a prefix
 * share brackets, and only trailing digits are bracketed, so Slurm can read it.
 */
function compressHostlist(hosts: readonly string[]): string {
  const runs: Run[] = [];
  for (const host of hosts) {
    if (host === '' || /[[\],\s]/.test(host)) {
      throw inputError(HOSTLIST, `cannot write ${JSON.stringify(host)} in a hostlist`, 'host names must be non-empty, without brackets, commas or blanks');
    }
    const match = /^(.*?)(\d+)$/.exec(host);
    const digits = match?.[2];
    const n = Number(digits);
    if (!match || digits === undefined || !Number.isSafeInteger(n)) {
      runs.push({ prefix: host, ranges: [] });
      continue;
    }
    const prefix = match[1] as string;
    const last = runs.at(-1);
    const range = last?.ranges.at(-1);
    if (last && range && last.prefix === prefix) {
      if (n === range.high + 1 && pad(n, range.width) === digits) range.high = n;
      else last.ranges.push({ low: n, high: n, width: digits.length });
    } else {
      runs.push({ prefix, ranges: [{ low: n, high: n, width: digits.length }] });
    }
  }
  const write = ({ prefix, ranges }: Run): string => {
    const text = ranges.map((r) => (r.low === r.high ? pad(r.low, r.width) : `${pad(r.low, r.width)}-${pad(r.high, r.width)}`));
    return ranges.length === 0 ? prefix : text.length === 1 && !text[0]?.includes('-') ? prefix + text[0] : `${prefix}[${text.join(',')}]`;
  };
  return runs.map(write).join(',');
}

/** Reads a per-node count list (`2(x3),1`) such as SLURM_TASKS_PER_NODE or SLURM_JOB_CPUS_PER_NODE. */
function counts(text: string, variable: string, code: string, nodeCount: number | undefined): number[] {
  const fail = (problem: string, hint = 'Slurm writes one count per node, with (xN) for N nodes in a row: 2(x3),1'): HpcrunError =>
    inputError(code, `${variable}=${quote(text)} ${problem}`, hint);
  const trimmed = text.trim();
  if (trimmed === '') throw fail('is empty');
  const values: number[] = [];
  for (const item of trimmed.split(',')) {
    const match = COUNT.exec(item);
    if (!match) throw fail(`holds "${item}", not a count such as 2 or 2(x3)`);
    const value = Number(match[1]);
    const repeat = match[2] === undefined ? 1 : Number(match[2]);
    if (value < 1 || repeat < 1) throw fail(`holds "${item}"; counts and repeats start at 1`);
    if (values.length + repeat > MAX_HOSTS) throw fail(`covers more than ${MAX_HOSTS} nodes`);
    for (let k = 0; k < repeat; k++) values.push(value);
  }
  if (nodeCount !== undefined && values.length !== nodeCount) {
    throw fail(`gives counts for ${values.length} node${values.length === 1 ? '' : 's'}, but the allocation has ${nodeCount}`, ENV_HINT);
  }
  return values;
}

/** Reads SLURM_TASKS_PER_NODE (`2`, `2,1`, `2(x3),1`) into one task count per node. */
function parseTasksPerNode(text: string, nodeCount?: number): number[] {
  return counts(text, 'SLURM_TASKS_PER_NODE', TASKS, nodeCount);
}

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): { name: string; value: string } | undefined {
  const value = env[name]?.trim();
  return value ? { name, value } : undefined;
}

function positive(env: Env, name: string, code: string): number | undefined {
  const value = read(env, name)?.value;
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw inputError(code, `${name}=${JSON.stringify(value)} is not a positive whole number`, ENV_HINT);
  return Number(value);
}

/** Tasks per node: SLURM_TASKS_PER_NODE, else SLURM_NTASKS_PER_NODE on every node, else one per CPU. */
function tasksPerNode(env: Env, jobId: string, nodeCount: number, cpuSource: string | undefined, cpus: (number | undefined)[]): { tasks: number[]; source: string } {
  const taskList = read(env, 'SLURM_TASKS_PER_NODE');
  if (taskList) return { tasks: counts(taskList.value, taskList.name, TASKS, nodeCount), source: taskList.name };
  const perNode = positive(env, 'SLURM_NTASKS_PER_NODE', TASKS);
  if (perNode !== undefined) return { tasks: cpus.map(() => perNode), source: 'SLURM_NTASKS_PER_NODE' };
  const known = cpus.filter((c) => c !== undefined);
  if (known.length === nodeCount) return { tasks: known, source: cpuSource ?? 'SLURM_CPUS_ON_NODE' };
  throw inputError(TASKS, `SLURM_JOB_ID=${jobId} is set but nothing says how many tasks run per node`, 'set SLURM_TASKS_PER_NODE (for example 2(x3),1) or SLURM_NTASKS_PER_NODE');
}

/**
 * The allocation this process runs in, from the variables sbatch and salloc
 * set, or undefined outside Slurm (no SLURM_JOB_ID). Tasks per node come from
 * SLURM_TASKS_PER_NODE, else SLURM_NTASKS_PER_NODE, else one per CPU.
 */
function readAllocation(env: Env): Allocation | undefined {
  const jobId = read(env, 'SLURM_JOB_ID')?.value;
  if (jobId === undefined) return undefined;
  const list = read(env, 'SLURM_JOB_NODELIST') ?? read(env, 'SLURM_NODELIST');
  if (!list) throw inputError(ENV, `SLURM_JOB_ID=${jobId} is set but neither SLURM_JOB_NODELIST nor SLURM_NODELIST is`, ENV_HINT);
  const hosts = expand(list.value, list.name);
  const seen = new Set<string>();
  for (const host of hosts) {
    if (seen.has(host)) throw inputError(ENV, `${list.name}=${quote(list.value)} names ${host} twice`, ENV_HINT);
    seen.add(host);
  }
  const numNodes = positive(env, 'SLURM_JOB_NUM_NODES', ENV);
  if (numNodes !== undefined && numNodes !== hosts.length) {
    throw inputError(ENV, `SLURM_JOB_NUM_NODES=${numNodes} but ${list.name}=${quote(list.value)} names ${hosts.length} node${hosts.length === 1 ? '' : 's'}`, ENV_HINT);
  }

  const cpuList = read(env, 'SLURM_JOB_CPUS_PER_NODE');
  const cpusOnNode = positive(env, 'SLURM_CPUS_ON_NODE', ENV);
  // SLURM_CPUS_ON_NODE describes only the node this runs on; it stands in for all of them.
  const cpus = cpuList ? counts(cpuList.value, cpuList.name, ENV, hosts.length) : hosts.map(() => cpusOnNode);

  const { tasks, source } = tasksPerNode(env, jobId, hosts.length, cpuList?.name, cpus);
  const totalTasks = tasks.reduce((sum, t) => sum + t, 0);
  const ntasks = positive(env, 'SLURM_NTASKS', TASKS);
  if (ntasks !== undefined && ntasks !== totalTasks) {
    throw inputError(TASKS, `SLURM_NTASKS=${ntasks} but ${source} adds up to ${totalTasks} task${totalTasks === 1 ? '' : 's'} over ${hosts.length} node${hosts.length === 1 ? '' : 's'}`, ENV_HINT);
  }
  return { jobId, nodes: hosts.map((host, i) => ({ host, tasks: tasks[i] as number, cpus: cpus[i] })), totalTasks };
}

export type { Allocation, AllocationNode };
export { compressHostlist, expandHostlist, parseTasksPerNode, readAllocation };
