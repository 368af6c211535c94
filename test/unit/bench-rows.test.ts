import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseKernelOutput } from '../../src/core/bench/kernel-output.js';
import { missingRows, rowsFromOutput } from '../../src/bench/runner.js';
import { medianCI } from '../../src/core/stats/index.js';

// Captured from real kernel runs (see test/fixtures/kernels).
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/kernels/${name}`, import.meta.url)), 'utf8');

describe('rows from kernel output', () => {
  const output = parseKernelOutput(fixture('all-kinds-np2.txt'));
  const rows = rowsFromOutput(output, 'n1', 'n2');

  it('gives one row per finished kind and size, with the kernel stop reason mapped', () => {
    expect(rows.map((row) => `${row.kind}/${row.bytes}/${row.unit}/${row.stop_reason}`)).toEqual(
      output.runs.flatMap((run) => [`${run.kind}/${run.bytes}/${run.unit}/sample-cap`, ...(run.messageRates ? [`${run.kind}/${run.bytes}/msg/s/sample-cap`] : [])]),
    );
    for (const row of rows) expect([row.host_a, row.host_b]).toEqual(['n1', 'n2']);
  });

  it('computes the CI from the kept samples and keeps every raw sample', () => {
    const row = rows[0]!;
    const run = output.runs[0]!;
    expect(row.raw_samples).toEqual(run.samples);
    expect((row.samples ?? 0) + (row.outliers_removed ?? 0)).toBe(run.samples.length);
    expect(row.ci95_low).not.toBeNull();
    // With no outliers removed the CI is the one of all samples.
    if (row.outliers_removed === 0) expect(row.ci95_low).toBe(medianCI(run.samples)?.low);
    else expect(row.samples).toBeLessThan(run.samples.length);
  });

  it('gives mbw a bandwidth row and a message-rate row', () => {
    const mbw = rowsFromOutput(parseKernelOutput(fixture('mbw-np4.txt')), 'n1', 'n2');
    expect(mbw.filter((row) => row.bytes === 8).map((row) => row.unit)).toEqual(['MB/s', 'msg/s']);
  });

  it('leaves out a run the output cut short', () => {
    const text = fixture('all-kinds-np2.txt');
    const cut = text.slice(0, text.indexOf('stop bw 8'));
    const partial = rowsFromOutput(parseKernelOutput(cut), 'n1', 'n2');
    expect(partial.map((row) => `${row.kind}/${row.bytes}`)).toEqual(['latency/8', 'latency/65536']);
  });
});

describe('failed rows', () => {
  it('name every kind and size that was not measured, with the reason', () => {
    const measured = rowsFromOutput(parseKernelOutput(fixture('all-kinds-np2.txt')), 'n1', 'n2').filter((row) => row.kind === 'latency');
    const missing = missingRows({ kinds: ['latency', 'bw'], sizes: [8, 65536] }, measured, 'n1', 'n2', 'mpirun exited with 1');
    expect(missing.map((row) => `${row.kind}/${row.bytes}`)).toEqual(['bw/8', 'bw/65536']);
    expect(missing[0]).toMatchObject({ stop_reason: 'failed', median: null, samples: null, unit: 'MB/s', extra: { error: 'mpirun exited with 1' } });
  });
});
