import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseKernelOutput } from '../../src/core/bench/kernel-output.js';
import { missingRows, rowsFromOutput } from '../../src/bench/runner.js';
import { summarize, tukeyFences } from '../../src/core/stats/index.js';
import { roundFigure } from '../../src/results/index.js';

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

  it('computes every figure from all the samples and counts Tukey outliers only as information', () => {
    for (const [index, row] of rows.filter((r) => r.unit !== 'msg/s').entries()) {
      const run = output.runs[index]!;
      expect(row.raw_samples).toEqual(run.samples);
      expect(row.samples).toBe(run.samples.length);
      const s = summarize(run.samples);
      expect([row.median, row.ci95_low, row.ci95_high, row.p05, row.p95, row.p99]).toEqual([s.median, s.ci95?.low, s.ci95?.high, s.p05, s.p95, s.p99].map((x) => roundFigure(x ?? Number.NaN, row.unit)));
      expect(row.outliers_tukey).toBe(tukeyFences(run.samples).count);
    }
    // The fixture has Tukey outliers; they are counted and still in every figure.
    const tailed = rows.find((row) => (row.outliers_tukey ?? 0) > 0);
    expect(tailed).toBeDefined();
    expect(tailed!.samples).toBe(tailed!.raw_samples?.length);
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
