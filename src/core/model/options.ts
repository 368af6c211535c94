// The prediction flags as users type them (predict and plan --recommend). Pure.

import { usageError } from '../../errors.js';
import { parseSize } from '../units.js';

export function parseHaloBytes(text: string): number {
  const bytes = parseSize(text);
  if (bytes === undefined || bytes <= 0) {
    throw usageError('HPCRUN_BAD_HALO_BYTES', `--halo-bytes ${JSON.stringify(text)} is not a positive size`, 'give the bytes each rank sends to each neighbour per step, e.g. --halo-bytes 64KiB (at least 1 byte)');
  }
  return bytes;
}

export function parseComputeUs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0) throw usageError('HPCRUN_BAD_NUMBER', `--compute-us ${JSON.stringify(text)} is not a number of microseconds ≥ 0`, 'for example --compute-us 250');
  return v;
}

export function parseSteps(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw usageError('HPCRUN_BAD_NUMBER', `--steps ${JSON.stringify(text)} is not a whole number ≥ 1`, 'for example --steps 10000');
  return Number(text);
}
