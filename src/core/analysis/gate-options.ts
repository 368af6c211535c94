// The gate's flags, parsed and checked. Pure.

import { usageError } from '../../errors.js';
import { GATE_DEFAULTS, type GateOptions } from './gate.js';

/** `10%` or `0.1` → 0.1; must be in [0, 10). */
export function parseTolerance(text: string, option = '--tolerance'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : Number.NaN;
  if (!(value >= 0 && value < 10)) {
    throw usageError('HPCRUN_GATE_TOLERANCE', `${option} ${JSON.stringify(text)} is not a relative change`, `for example ${option} 10% or ${option} 0.1`);
  }
  return value;
}

export function parseCount(text: string, option: string, min: number): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(Number.isSafeInteger(value) && value >= min)) {
    throw usageError('HPCRUN_GATE_COUNT', `${option} ${JSON.stringify(text)} is not a whole number of at least ${min}`, `for example ${option} ${Math.max(min, 5)}`);
  }
  return value;
}

export interface GateFlags {
  tolerance?: string;
  minHistory?: string;
  window?: string;
  strictEnv?: boolean;
}

export function gateOptionsOf(flags: GateFlags): GateOptions {
  return {
    ...GATE_DEFAULTS,
    tolerance: flags.tolerance === undefined ? GATE_DEFAULTS.tolerance : parseTolerance(flags.tolerance),
    minHistory: flags.minHistory === undefined ? GATE_DEFAULTS.minHistory : parseCount(flags.minHistory, '--min-history', 0),
    window: flags.window === undefined ? GATE_DEFAULTS.window : parseCount(flags.window, '--window', 1),
    strictEnv: flags.strictEnv === true,
  };
}
