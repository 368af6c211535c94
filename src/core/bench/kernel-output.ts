// Reader for the output of hpcrun's MPI kernels (format version 1, documented
// in mpi-templates/kernels/README.md). Pure: text in, typed value out.

import { fieldReaders } from './fields.js';
import { inputError, type HpcrunError } from '../../errors.js';
import { count as plural } from '../text.js';

export const KERNEL_KINDS = ['latency', 'bw', 'bibw', 'mbw'] as const;
export type KernelKind = (typeof KERNEL_KINDS)[number];
export type KernelStopReason = 'ci' | 'cap' | 'time';
export const KERNEL_FORMAT_VERSION = 1;

export interface KernelStop {
  reason: KernelStopReason;
  n: number;
  /** The kernel's own median and 95% CI, present when n > 5. */
  median?: number;
  ciLow?: number;
  ciHigh?: number;
  warmupSeconds: number;
  elapsedSeconds: number;
}

export interface KernelRun {
  kind: KernelKind;
  bytes: number;
  warmup: number;
  maxSamples: number;
  batch: number;
  window: number;
  pairs: number;
  unit: 'us' | 'MB/s';
  /** Samples in `unit`, in the order they were taken; warm-up excluded. */
  samples: number[];
  /** Messages per second for each sample (mbw only). */
  messageRates?: number[];
  /** Absent when the output ended before the run finished. */
  stop?: KernelStop;
}

export interface KernelOutput {
  formatVersion: number;
  mpiLibrary: string;
  mpiVersion: string;
  ranks: number;
  wtickUs: number;
  timerResolutionUs: number;
  /** Every `meta` line, including those above. */
  meta: Record<string, string>;
  /** Processor name of each rank, indexed by rank. */
  hosts: string[];
  runs: KernelRun[];
  /** True when the closing `end` line was seen. */
  complete: boolean;
}

const HEADER = 'hpcrun-kernels';

/** Parses kernel output. Lines before the header (launcher banners) are skipped. */
export function parseKernelOutput(text: string): KernelOutput {
  const { meta, records: lines } = records(text, HEADER, KERNEL_FORMAT_VERSION, { bareHeader: true });
  const hosts: string[] = [];
  const runs: KernelRun[] = [];
  let current: KernelRun | undefined;
  let complete = false;

  for (const { no, word, f } of lines) {
    switch (word) {
      case 'host': {
        const rank = int(f[0], no, 'host rank');
        if (f.length !== 2 || rank !== hosts.length) throw malformed(no, `expected "host ${hosts.length} NAME"`);
        hosts.push(f[1] ?? '');
        break;
      }
      case 'run':
        if (current && !current.stop) throw malformed(no, 'run before the previous run stopped');
        current = parseRun(f, no);
        runs.push(current);
        break;
      case 'samples':
        addSamples(requireOpen(current, no, f), f, no);
        break;
      case 'stop': {
        const run = requireOpen(current, no, f);
        run.stop = parseStop(f.slice(2), no);
        if (run.stop.n !== run.samples.length) {
          throw malformed(no, `stop says n=${run.stop.n} but ${plural(run.samples.length, 'sample')} ${run.samples.length === 1 ? 'was' : 'were'} read`);
        }
        if (run.messageRates && run.messageRates.length !== run.samples.length) {
          throw malformed(no, `${run.messageRates.length} msg/s samples for ${run.samples.length} MB/s samples`);
        }
        break;
      }
      case 'end':
        if (current && !current.stop) throw malformed(no, 'end before the last run stopped');
        complete = true;
        break;
      default:
        throw malformed(no, `unknown line type ${JSON.stringify(word)}`);
    }
  }
  const num = (key: string): number => {
    const v = Number(meta[key]);
    if (meta[key] === undefined || !Number.isFinite(v)) throw malformed(0, `meta ${key} missing or not a number`);
    return v;
  };
  const ranks = num('ranks');
  if (hosts.length !== ranks) throw malformed(0, `${plural(hosts.length, 'host line')} for ${plural(ranks, 'rank')}`);
  return {
    formatVersion: KERNEL_FORMAT_VERSION,
    mpiLibrary: meta.mpi_library ?? '',
    mpiVersion: meta.mpi_version ?? '',
    ranks,
    wtickUs: num('wtick_us'),
    timerResolutionUs: num('timer_resolution_us'),
    meta,
    hosts,
    runs,
    complete,
  };
}

function parseRun(f: string[], no: number): KernelRun {
  const kind = parseKind(f[0], no);
  const kv = keyValues(f.slice(2), no);
  const need = (k: string): number => int(kv[k], no, k);
  return {
    kind,
    bytes: int(f[1], no, 'bytes'),
    warmup: need('warmup'),
    maxSamples: need('max_samples'),
    batch: need('batch'),
    window: need('window'),
    pairs: need('pairs'),
    unit: kind === 'latency' ? 'us' : 'MB/s',
    samples: [],
    ...(kind === 'mbw' ? { messageRates: [] } : {}),
  };
}

function requireOpen(run: KernelRun | undefined, no: number, f: string[]): KernelRun {
  if (!run || run.stop) throw malformed(no, 'samples or stop outside a run');
  if (f[0] !== run.kind || f[1] !== String(run.bytes)) {
    throw malformed(no, `belongs to ${f[0] ?? '?'} ${f[1] ?? '?'} but the open run is ${run.kind} ${run.bytes}`);
  }
  return run;
}

function addSamples(run: KernelRun, f: string[], no: number): void {
  const unit = f[2];
  const count = int(f[3], no, 'sample count');
  const values = f.slice(4);
  if (values.length !== count) throw malformed(no, `says ${plural(count, 'sample')} but has ${values.length}`);
  const target = unit === run.unit ? run.samples : unit === 'msg/s' ? run.messageRates : undefined;
  if (!target) throw malformed(no, `unit ${JSON.stringify(unit)} does not fit a ${run.kind} run`);
  for (const v of values) {
    const x = Number(v);
    if (v === '' || !Number.isFinite(x)) throw malformed(no, `sample ${JSON.stringify(v)} is not a number`);
    target.push(x);
  }
}

function parseStop(f: string[], no: number): KernelStop {
  const kv = keyValues(f, no);
  const reason = kv.reason;
  if (reason !== 'ci' && reason !== 'cap' && reason !== 'time') {
    throw malformed(no, `unknown stop reason ${JSON.stringify(reason)}`);
  }
  const opt = (k: string): number | undefined => (kv[k] === undefined ? undefined : real(kv[k], no, k));
  const stop: KernelStop = {
    reason,
    n: int(kv.n, no, 'n'),
    warmupSeconds: real(kv.warmup_s, no, 'warmup_s'),
    elapsedSeconds: real(kv.elapsed_s, no, 'elapsed_s'),
  };
  const median = opt('median');
  const ciLow = opt('ci_low');
  const ciHigh = opt('ci_high');
  if (median !== undefined) stop.median = median;
  if (ciLow !== undefined) stop.ciLow = ciLow;
  if (ciHigh !== undefined) stop.ciHigh = ciHigh;
  return stop;
}

function parseKind(text: string | undefined, no: number): KernelKind {
  const kind = KERNEL_KINDS.find((k) => k === text);
  if (!kind) throw malformed(no, `unknown kind ${JSON.stringify(text)}`);
  return kind;
}

function real(text: string | undefined, no: number, what: string): number {
  const x = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(x)) throw malformed(no, `${what} ${JSON.stringify(text)} is not a number`);
  return x;
}

function malformed(line: number, message: string): HpcrunError {
  const where = line > 0 ? `line ${line}: ` : '';
  return inputError(
    'HPCRUN_KERNEL_OUTPUT',
    `malformed kernel output: ${where}${message}`,
    'the kernel and this hpcrun may be out of step; rebuild the kernel or report a bug',
  );
}

const { keyValues, int, records } = fieldReaders(malformed);
