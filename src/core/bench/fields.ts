// Readers of what both MPI programs print (the kernels and the halo app): the
// line records after their header, key=value lists and whole numbers, each
// failing with its parser's own "malformed output" error. Pure.

import type { HpcrunError } from '../../errors.js';

export type Malformed = (line: number, message: string) => HpcrunError;

export interface OutputRecord {
  /** The line's number in the whole text, from 1. */
  no: number;
  /** The line's type word (`run`, `samples`, `end`...). */
  word: string;
  /** The words after it. */
  f: string[];
}

export function fieldReaders(malformed: Malformed) {
  return {
    /**
     * The program's output after its `HEADER VERSION` line (lines before it,
     * launcher banners, are skipped), as records; blank lines are skipped.
     * `meta KEY VALUE...` lines fill `meta` as they are reached, and text
     * after `end` is refused. Lazy, so errors come in line order.
     */
    records(text: string, header: string, version: number, options: { bareHeader?: boolean } = {}): { meta: Record<string, string>; records: Iterable<OutputRecord> } {
      const lines = text.split(/\r?\n/);
      const start = lines.findIndex((l) => l.startsWith(`${header} `) || (options.bareHeader === true && l === header));
      if (start < 0) throw malformed(0, `no "${header}" header line`);
      const found = lines[start]?.split(' ')[1];
      if (Number(found) !== version) throw malformed(start + 1, `format version ${found ?? '(none)'}, this reader needs ${version}`);
      const meta: Record<string, string> = {};
      function* each(): Generator<OutputRecord> {
        let ended = false;
        for (let i = start + 1; i < lines.length; i++) {
          const line = lines[i] ?? '';
          const no = i + 1;
          if (line === '') continue;
          if (ended) throw malformed(no, 'text after "end"');
          const [word = '', ...f] = line.split(' ');
          if (word === 'meta') {
            if (!f[0] || f.length < 2) throw malformed(no, 'meta needs a key and a value');
            meta[f[0]] = f.slice(1).join(' ');
            continue;
          }
          if (word === 'end') ended = true;
          yield { no, word, f };
        }
      }
      return { meta, records: each() };
    },
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
