// Readers of the fields both MPI programs print (the kernels and the halo
// app): key=value lists and whole numbers, each failing with its parser's own
// "malformed output" error. Pure.

import type { HpcrunError } from '../../errors.js';

export type Malformed = (line: number, message: string) => HpcrunError;

export function fieldReaders(malformed: Malformed) {
  return {
    keyValues(f: readonly string[], no: number): Record<string, string> {
      const out: Record<string, string> = {};
      for (const item of f) {
        const eq = item.indexOf('=');
        if (eq <= 0) throw malformed(no, `expected key=value, got ${JSON.stringify(item)}`);
        out[item.slice(0, eq)] = item.slice(eq + 1);
      }
      return out;
    },
    int(text: string | undefined, no: number, what: string): number {
      if (text === undefined || !/^\d+$/.test(text)) throw malformed(no, `${what} ${JSON.stringify(text)} is not a whole number`);
      return Number(text);
    },
  };
}
