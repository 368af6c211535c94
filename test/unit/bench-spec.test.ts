import { describe, expect, it } from 'vitest';
import { caught as errorOf } from '../helpers/cli.js';
import { renderMatrix, slowLinks } from '../../src/core/bench/matrix.js';
import { parseKinds, parseSizes, parseTargetCi, roundRobin, schedule } from '../../src/core/bench/spec.js';

describe('bench options', () => {
  it.each([
    ['8', [8]],
    ['8,1KiB,1MiB', [8, 1024, 1048576]],
    ['1MiB,8,8', [8, 1048576]],
    ['1:16', [1, 2, 4, 8, 16]],
    ['1:4MiB', Array.from({ length: 23 }, (_, i) => 2 ** i)],
    ['4:32', [4, 8, 16, 32]],
    ['1KiB:4KiB', [1024, 2048, 4096]],
    ['8:8', [8]],
  ])('reads --sizes %j', (text, sizes) => {
    expect(parseSizes(text)).toEqual(sizes);
  });

  it.each([['8,,16'], ['eight'], ['1:2:3'], ['16:1'], ['2GiB'], ['1.5']])('rejects --sizes %j with exit 64', (text) => {
    const error = errorOf(() => parseSizes(text));
    expect(error.code).toBe('HPCRUN_BENCH_SIZES');
    expect(error.exitCode).toBe(64);
    expect(error.hint).toMatch(/8,1KiB,1MiB/);
  });

  it.each([
    // a range end that is not a power of two would silently drop sizes (1:1000 stopped at 512)
    ['1:1000', 'the range end 1000 is not a power of two', 'end it at 512 or 1024 bytes'],
    ['1:1000KB', 'the range end 1000KB (1024000 bytes)', 'end it at 524288 or 1048576 bytes'],
    ['1:1000000', 'the range end 1000000 is not a power of two', 'end it at 524288 or 1048576 bytes'],
    ['3:40', 'the range start 3 is not a power of two', 'start it at 2 or 4 bytes'],
    ['5:7', 'the range start 5 is not a power of two', 'start it at 4 or 8 bytes'],
    ['1:1000MiB', 'the range end 1000MiB (1048576000 bytes)', 'end it at 536870912 or 1073741824 bytes'],
  ])('refuses the range %j instead of silently stopping short', (text, message, hint) => {
    const error = errorOf(() => parseSizes(text));
    expect(error).toMatchObject({ code: 'HPCRUN_BENCH_SIZES', exitCode: 64 });
    expect(error.message).toContain(`--sizes ${JSON.stringify(text)}: ${message}`);
    expect(error.message).toContain('a range holds powers of two only');
    if (hint) expect(error.hint).toContain(hint);
    expect(error.hint).toContain('list the sizes you want with commas');
  });

  it.each([['latency', ['latency']], ['latency,bw,bibw,mbw', ['latency', 'bw', 'bibw', 'mbw']], ['bw,bw', ['bw']]])('reads --kind %j', (text, kinds) => {
    expect(parseKinds(text)).toEqual(kinds);
  });

  it('rejects an unknown kind, naming it and the choices', () => {
    const error = errorOf(() => parseKinds('latency,alltoall'));
    expect(error.message).toBe('unknown benchmark kind "alltoall"');
    expect(error.hint).toMatch(/latency, bw, bibw, mbw/);
  });

  it.each([['5%', 0.05], ['0.02', 0.02], ['12.5%', 0.125]])('reads --target-ci %j', (text, value) => {
    expect(parseTargetCi(text)).toBeCloseTo(value, 12);
  });

  it.each([['0'], ['100%'], ['abc'], ['-5%']])('rejects --target-ci %j', (text) => {
    expect(errorOf(() => parseTargetCi(text)).code).toBe('HPCRUN_BENCH_TARGET');
  });
});

describe('round-robin pairs', () => {
  it.each([
    [2, 1],
    [3, 3],
    [4, 3],
    [5, 5],
    [8, 7],
    [9, 9],
  ])('%i hosts: every pair exactly once in %i rounds of disjoint pairs', (n, rounds) => {
    const hosts = Array.from({ length: n }, (_, i) => `h${i}`);
    const schedule = roundRobin(hosts);
    expect(schedule).toHaveLength(rounds);
    const seen = new Set<string>();
    for (const round of schedule) {
      const inRound = round.flat();
      expect(new Set(inRound).size).toBe(inRound.length);
      for (const [a, b] of round) seen.add([a, b].sort().join('-'));
    }
    expect(seen.size).toBe((n * (n - 1)) / 2);
    expect(schedule.flat()).toHaveLength((n * (n - 1)) / 2);
  });

  it('--pairs first measures only the first two hosts', () => {
    expect(schedule(['a', 'b', 'c'], 'first')).toEqual([[['a', 'b']]]);
  });
});

describe('slow links', () => {
  const links = [
    { a: 'n1', b: 'n2', median: 5.0 },
    { a: 'n1', b: 'n3', median: 5.2 },
    { a: 'n1', b: 'n4', median: 4.9 },
    { a: 'n2', b: 'n3', median: 5.1 },
    { a: 'n2', b: 'n4', median: 5.0 },
    { a: 'n3', b: 'n4', median: 19.7 },
  ];

  it('flags a link above the upper Tukey fence of all links', () => {
    const slow = slowLinks(links);
    expect(slow.map((link) => `${link.a}-${link.b}`)).toEqual(['n3-n4']);
    expect(slow[0]?.fence).toBeLessThan(19.7);
  });

  it('flags nothing when the links agree, or when there are too few to judge', () => {
    expect(slowLinks(links.slice(0, 5))).toEqual([]);
    expect(slowLinks([{ a: 'a', b: 'b', median: 1 }, { a: 'a', b: 'c', median: 100 }])).toEqual([]);
  });

  it('renders a symmetric matrix that marks slow links', () => {
    const text = renderMatrix(['n1', 'n2', 'n3', 'n4'], links, slowLinks(links));
    const rows = text.trim().split('\n').map((line) => line.trim().split(/\s+/));
    expect(rows[3]).toEqual(['n3', '5.20', '5.10', '-', '19.70*']);
    expect(rows[4]).toEqual(['n4', '4.90', '5.00', '19.70*', '-']);
  });
});
