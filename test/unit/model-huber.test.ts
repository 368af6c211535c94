// Huber's robust line fit (src/core/model/huber.ts) and `model fit --robust`:
// synthetic latencies with a few stalled sizes, where least squares is dragged.
import { describe, expect, it } from 'vitest';
import { SIZES, noise } from '../helpers/synthetic.js';
import { HUBER_K, fitLine, fitLineHuber, fitModel, fitSegmented, type Point } from '../../src/core/model/index.js';
import { RESULT_SET_SCHEMA_VERSION, type ResultSet } from '../../src/schemas/index.js';

// α 10 µs, β 1000 MB/s (0.001 µs per byte).
const ALPHA = 10;
const US_PER_BYTE = 1 / 1000;
const line = (n: number): number => ALPHA + n * US_PER_BYTE;
/** Every 9th size measured while the host stalled: 4× its true time (rows read 1.5–18× slower under load on this machine). */
const STALLED = new Set(SIZES.filter((_, i) => i % 9 === 4));

function points(amp: number, seed?: number): Point[] {
  const r = noise(amp, seed ?? 7);
  return SIZES.map((bytes) => ({ bytes, us: line(bytes) * (1 + r()) * (STALLED.has(bytes) ? 2.5 : 1) }));
}

const relError = (actual: number, expected: number): number => Math.abs(actual - expected) / expected;

describe('Huber line fit', () => {
  it.each([1, 2, 3])('recovers α and β within 2% with 9 of 77 sizes stalled, where least squares does not (seed %i)', (seed) => {
    const data = points(0.01, seed);
    const robust = fitLineHuber(data, 0.005);
    expect(relError(robust.alphaUs, ALPHA)).toBeLessThan(0.02);
    expect(relError(robust.usPerByte, US_PER_BYTE)).toBeLessThan(0.02);
    expect(robust.downweighted).toBeGreaterThanOrEqual(STALLED.size);
    const ls = fitLine(data);
    // Relative least squares bounds an outlier's residual by 1, so it is dragged only ~3%, but dragged.
    expect(Math.max(relError(ls.alphaUs, ALPHA), relError(ls.usPerByte, US_PER_BYTE))).toBeGreaterThan(0.025);
  });

  it('agrees with least squares on clean data', () => {
    const clean = SIZES.map((bytes) => ({ bytes, us: line(bytes) * (1 + noise(0.01, 5)()) }));
    const r = noise(0.01, 11);
    const data = clean.map((p) => ({ bytes: p.bytes, us: line(p.bytes) * (1 + r()) }));
    const robust = fitLineHuber(data, 0.005);
    const ls = fitLine(data);
    expect(relError(robust.alphaUs, ls.alphaUs)).toBeLessThan(0.01);
    expect(relError(robust.usPerByte, ls.usPerByte)).toBeLessThan(0.01);
  });

  it('fits an exact line exactly, down-weighting nothing (the scale floor)', () => {
    const fit = fitLineHuber(SIZES.map((bytes) => ({ bytes, us: line(bytes) })), 0.005);
    expect(fit.alphaUs).toBeCloseTo(ALPHA, 9);
    expect(fit.usPerByte).toBeCloseTo(US_PER_BYTE, 12);
    expect(fit.downweighted).toBe(0);
    expect(fit.scale).toBe(0.005);
  });
});

describe('segmented fit, robust', () => {
  it('keeps one regime and the true line within 2% with stalled sizes, where the least-squares line is dragged past 2%', () => {
    const data = points(0.01);
    const robust = fitSegmented(data, { robust: true });
    expect(robust?.segments).toHaveLength(1);
    expect(relError(robust!.segments[0]!.alphaUs, ALPHA)).toBeLessThan(0.02);
    expect(relError(robust!.segments[0]!.usPerByte, US_PER_BYTE)).toBeLessThan(0.02);
    const ls = fitSegmented(data)!;
    const worst = Math.max(...ls.segments.flatMap((s) => [relError(s.alphaUs, ALPHA), relError(s.usPerByte, US_PER_BYTE)]));
    expect(worst).toBeGreaterThan(0.02);
  });
});

describe('fitModel with robust', () => {
  const set = (): ResultSet => ({
    schemaVersion: RESULT_SET_SCHEMA_VERSION,
    metadata: { name: 'synthetic', command: 'test', date: '2026-11-29T00:00:00.000Z', hosts: ['a', 'b'], complete: true } as unknown as ResultSet['metadata'],
    rows: points(0.01).map((p) => ({ kind: 'latency', host_a: 'a', host_b: 'b', bytes: p.bytes, samples: 20, median: p.us, mean: p.us, p05: p.us, p95: p.us, ci95_low: p.us, ci95_high: p.us, unit: 'us', stop_reason: 'ci-target' })) as unknown as ResultSet['rows'],
  });

  it('says so in the selection and recovers α and β', () => {
    const model = fitModel([{ file: 'net.json', set: set() }], { created: new Date(0), hpcrun: 'test', robust: true });
    expect(model.latency.selection).toMatch(new RegExp(`^Huber \\(k ${HUBER_K}, MAD scale\\)`));
    expect(model.latency.regimes).toHaveLength(1);
    expect(relError(model.latency.regimes[0]!.alphaUs, ALPHA)).toBeLessThan(0.02);
    expect(relError(model.latency.regimes[0]!.bandwidthMBps!, 1000)).toBeLessThan(0.02);
    const plain = fitModel([{ file: 'net.json', set: set() }], { created: new Date(0), hpcrun: 'test' });
    expect(plain.latency.selection).toMatch(/^BIC/);
  });
});
