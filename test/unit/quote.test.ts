import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellJoin, shellQuote } from '../../src/exec/quote.js';

const HOSTILE = 'x; touch /tmp/p $(touch /tmp/p) `touch /tmp/p` "q" \'s\' \n';

describe('shellQuote', () => {
  it.each([
    ['plain', 'plain'],
    ['/usr/bin/mpirun', '/usr/bin/mpirun'],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['$HOME', "'$HOME'"],
    ['=cmd', "'=cmd'"],
    ['--distribution=arbitrary', '--distribution=arbitrary'],
    ['~root', "'~root'"],
    ['*', "'*'"],
    ['a\nb', "'a\nb'"],
  ])('quotes %j as %j', (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });

  it('refuses a NUL byte, which no argv can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });

  // The quoted words go through a real sh, which must hand each back byte for byte.
  it.each([
    [[HOSTILE]],
    [['', ' ', '  two  spaces ']],
    [["'", "''", '"', '\\', '\\\\n', '$(id)', '`id`', '${PATH}', '!!', '#not a comment', ';', '&&', '|', '>', '<']],
    [['héllo wörld', '日本', '\t\r\n', 'a\u0001b']],
    [['-n', '-e', '--', '*', '?', '[a]', '~', '{a,b}']],
  ])('round-trips %j through sh -c', (words) => {
    const script = `for a in ${shellJoin(words)}; do printf '%s\\0' "$a"; done`;
    const out = execFileSync('sh', ['-c', script]).toString();
    expect(out.split('\0').slice(0, -1)).toEqual(words);
  });

  it('round-trips through bash too', () => {
    const out = execFileSync('bash', ['-c', `printf '%s\\0' ${shellJoin([HOSTILE, "a'b"])}`]).toString();
    expect(out.split('\0').slice(0, -1)).toEqual([HOSTILE, "a'b"]);
  });
});
