// The one function that quotes words for a POSIX shell. Everything hpcrun
// sends over SSH as a command line goes through shellJoin, so each argument
// arrives byte for byte and nothing in it is interpreted.

import { HpcrunError } from '../errors.js';

/**
 * Quotes one word for sh, bash, dash or zsh. Words made only of safe
 * characters are left bare for readability; everything else is wrapped in
 * single quotes, inside which the shell interprets nothing, and each single
 * quote is written as '\'' (close, escaped quote, reopen).
 */
export function shellQuote(word: string): string {
  if (word.includes('\0')) {
    throw new HpcrunError('usage', 'HPCRUN_NUL_IN_ARGUMENT', 'an argument contains a NUL byte, which no command line can carry', { hint: 'remove the NUL byte from the argument' });
  }
  if (word === '') return "''";
  // A leading '=' stays quoted: zsh expands =word to a command path.
  if (/^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Joins an argument array into one command line for a remote shell. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
