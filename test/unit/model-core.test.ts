// The network model's pure core: segmented fitting, the max-rate node term,
// predict on a hand-computable plan, cost per run and the Pareto front.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SIZES, noise } from '../helpers/synthetic.js';
import {
  costPerRun, fitModel, fitNodeInjection, fitSegmented, fromModelFile, paretoFront, predictHalo,
  type HaloJob, type Point, type PointToPoint,
} from '../../src/core/model/index.js';
import { HpcrunError } from '../../src/errors.js';
import { validateResultSet } from '../../src/results/index.js';

function synthetic(line: (n: number) => number, amp: number, seed?: number): Point[] {
  const r = noise(amp, seed ?? 12345);
  return SIZES.map((bytes) => ({ bytes, us: line(bytes) * (1 + r()) }));
}

const within = (actual: number, expected: number, tol = 0.02): void => {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(tol);
};

describe('segmented regression', () => {
  // α 20 µs, β 1000 MB/s below the break; α 80 µs, β 2000 MB/s above: the lines meet at 120,000 B.
  const kink = (n: number): number => (n < 120_000 ? 20 + n / 1000 : 80 + n / 2000);

  it('recovers α, β and a breakpoint from noisy data within 2%', () => {
    const fit = fitSegmented(synthetic(kink, 0.01));
    expect(fit?.segments).toHaveLength(2);
    const [lo, hi] = fit!.segments;
    within(lo!.alphaUs, 20);
    within(1 / lo!.usPerByte, 1000);
    within(hi!.alphaUs, 80);
    within(1 / hi!.usPerByte, 2000);
    within(hi!.startsAtBytes, 120_000);
    expect(fit!.r2).toBeGreaterThan(0.999);
  });

  it('does not invent regimes from noise on one line', () => {
    for (const seed of [1, 2, 3]) {
      const fit = fitSegmented(synthetic((n) => 5 + n / 500, 0.03, seed));
      expect(fit?.segments).toHaveLength(1);
      within(fit!.segments[0]!.alphaUs, 5, 0.05);
    }
  });

  it('places a protocol jump (eager → rendezvous) between the observed sizes around it', () => {
    const jump = (n: number): number => (n <= 16384 ? 3 + n / 4000 : 30 + n / 5000);
    const fit = fitSegmented(synthetic(jump, 0.002));
    expect(fit?.segments).toHaveLength(2);
    const hi = fit!.segments[1]!;
    expect(fit!.segments[0]!.toBytes).toBeLessThanOrEqual(16384);
    expect(hi.fromBytes).toBeGreaterThan(16384);
    expect(hi.fromBytes / 16384).toBeLessThan(2 ** 0.25 + 0.01);
    within(hi.alphaUs, 30);
  });

  it('finds three regimes when there are three', () => {
    const three = (n: number): number => (n < 1024 ? 2 + n / 2000 : n < 65536 ? 4 + n / 1000 : 40 + n / 2500);
    expect(fitSegmented(synthetic(three, 0.003))?.segments).toHaveLength(3);
  });

  it('needs at least three distinct sizes', () => {
    expect(fitSegmented([{ bytes: 8, us: 2 }, { bytes: 8, us: 2.1 }, { bytes: 1024, us: 3 }])).toBeUndefined();
  });
});

const fixture = (name: string) => {
  const path = fileURLToPath(new URL(`../fixtures/model/${name}`, import.meta.url));
  return { file: name, set: validateResultSet(JSON.parse(readFileSync(path, 'utf8')), path) };
};

describe('fitModel', () => {
  it('refuses a set with one size and names the sizes to add', () => {
    const one = fixture('testbed-1gbit-latbw.json');
    one.set.rows = one.set.rows.filter((r) => r.bytes === 1024);
    let error: unknown;
    try {
      fitModel([one], { created: new Date(0), hpcrun: 'test' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HpcrunError);
    expect((error as HpcrunError).code).toBe('HPCRUN_MODEL_TOO_FEW_SIZES');
    expect((error as HpcrunError).exitCode).toBe(65);
    expect((error as HpcrunError).message).toContain('one size (1 KiB)');
    expect((error as HpcrunError).hint).toContain('add 8B,32B,128B,512B,2KiB,8KiB,32KiB,128KiB');
  });

  it('fits the testbed (1 Gbit/s tbf cap): regimes, stream gap and the node rate from mbw with 2 pairs', () => {
    const model = fitModel([fixture('testbed-1gbit-latbw.json'), fixture('testbed-1gbit-mbw.json')], { created: new Date(0), hpcrun: 'test' });
    expect(model.latency.regimes.length).toBeGreaterThanOrEqual(2);
    const top = model.latency.regimes.at(-1)!;
    // The cap is 125 MB/s; TCP/MPI reaches a little less.
    expect(top.bandwidthMBps).toBeGreaterThan(100);
    expect(top.bandwidthMBps).toBeLessThan(125);
    expect(model.node?.pairsPerNode).toBe(2);
    expect(model.node?.nodeRateMBps).toBeGreaterThan(100);
    expect(model.node?.nodeRateMBps).toBeLessThan(125);
    expect(model.fittedRange).toEqual({ minBytes: 8, maxBytes: 4194304 });
    expect(model.sources.map((s) => s.hosts)).toEqual([['hpcrun-n1', 'hpcrun-n2'], ['hpcrun-n1', 'hpcrun-n2']]);
    // Our regimes fit better than fixed 256 B / 16 KiB splits on the same points.
    expect(model.latency.r2!).toBeGreaterThan(model.latency.comparison!.r2!);
  });
});

describe('node injection (max-rate form)', () => {
  // One pair streams at ρ(n) = n / (20 µs + n / 100 MB/s); k = 2 pairs reach min(2ρ, R).
  const rho = (n: number): number => n / (20 + n / 100);
  const stream = SIZES.map((bytes) => ({ bytes, us: bytes / rho(bytes) }));
  const withMbw = (R: number) => {
    const set = fixture('testbed-1gbit-mbw.json').set;
    set.rows = SIZES.map((bytes) => ({ ...set.rows[0]!, kind: 'mbw', unit: 'MB/s' as const, bytes, median: Math.min(2 * rho(bytes), R), extra: { pairs: 2 } }));
    return set;
  };

  it('recovers the node rate R from the byte-bound sizes where k pairs fall short of k·ρ', () => {
    const { fit } = fitNodeInjection([withMbw(150)], stream);
    expect(fit?.pairsPerNode).toBe(2);
    within(fit!.nodeRateMBps!, 150, 1e-9);
    // Small messages (message-rate bound) are never taken for the node limit.
    expect(Math.min(...fit!.saturatedSizes)).toBeGreaterThanOrEqual(2000);
  });

  it('leaves R unknown (Foster) when k pairs never saturate the node', () => {
    const { fit } = fitNodeInjection([withMbw(1e6)], stream);
    expect(fit?.nodeRateMBps).toBeNull();
    expect(fit?.note).toMatch(/the node rate is at least 200 MB\/s/);
  });
});

/** latency 10 µs + n / 100 MB/s; gap n / 100 MB/s; node rate as given. */
function p2p(nodeRateMBps: number | undefined): PointToPoint {
  return {
    origin: 'measured',
    name: 'test',
    latency: (n) => 10e-6 + n / 1e8,
    gap: (n) => n / 1e8,
    nodeRate: nodeRateMBps === undefined ? undefined : nodeRateMBps * 1e6,
    range: { minBytes: 8, maxBytes: 4 * 1024 * 1024 },
  };
}

const chain = (rankToNode: number[], extra: Partial<HaloJob> = {}): HaloJob => ({
  grid: [4, 1], periodic: false, rankToNode, nodeCount: 2, haloBytes: 1e6, computeUs: undefined, steps: undefined, ...extra,
});

describe('predictHalo', () => {
  it('compact 4×1 on two nodes: one off-node message per node costs one latency L(n)', () => {
    const p = predictHalo(chain([0, 0, 1, 1]), p2p(150));
    expect(p.commSecondsPerStep).toBeCloseTo(10e-6 + 0.01, 12);
    expect(p.worstNode).toMatchObject({ messages: 1, streams: 1, maxRankMessages: 1 });
  });

  it('cyclic 4×1: three messages share the node (max-rate form: min(S·ρ, R))', () => {
    // Node 0 (ranks 0, 2) sends 0→1, 2→1, 2→3: M = 3 over S = 3 streams; rank 2 sends m = 2.
    // rank term L + G = 0.02001 s; node term L + 2·1e6 / min(3·1e8, 1.5e8) = 0.01001 + 0.013333 s.
    const p = predictHalo(chain([0, 1, 0, 1]), p2p(150));
    expect(p.worstNode).toMatchObject({ messages: 3, streams: 3, maxRankMessages: 2 });
    expect(p.worstNode!.rankTermSeconds).toBeCloseTo(0.02001, 12);
    expect(p.commSecondsPerStep).toBeCloseTo(0.01001 + 2e6 / 1.5e8, 12);
  });

  it('without a node rate, senders share one pair\'s rate (Foster)', () => {
    const p = predictHalo(chain([0, 1, 0, 1]), p2p(undefined));
    expect(p.commSecondsPerStep).toBeCloseTo(0.01001 + 2e6 / 1e8, 12);
  });

  it('a node rate above S pairs\' rates is not reached: S·ρ limits', () => {
    // Node term L + 2·1e6 / min(3·1e8, 1e9); the busiest rank's L + G now sets the step.
    const p = predictHalo(chain([0, 1, 0, 1]), p2p(1000));
    expect(p.worstNode!.nodeTermSeconds).toBeCloseTo(0.01001 + 2e6 / 3e8, 12);
    expect(p.commSecondsPerStep).toBeCloseTo(0.02001, 12);
  });

  it('counts periodic wrap-around links, adds compute and totals the steps', () => {
    // Periodic 4×1 compact: node 0 (ranks 0,1) links 1–2 and 3–0 cross: M = 2, streams 2, each rank sends 1.
    const p = predictHalo(chain([0, 0, 1, 1], { periodic: true, computeUs: 500, steps: 1000 }), p2p(150));
    expect(p.worstNode).toMatchObject({ messages: 2, streams: 2, maxRankMessages: 1 });
    const comm = 0.01001 + 1e6 / 1.5e8;
    expect(p.commSecondsPerStep).toBeCloseTo(comm, 12);
    expect(p.computeSecondsPerStep).toBeCloseTo(500e-6, 12);
    expect(p.totalSeconds).toBeCloseTo(1000 * (comm + 500e-6), 9);
  });

  it('a periodic extent of 2 sends two messages over one stream (the same pair of ranks)', () => {
    const p = predictHalo({ ...chain([0, 1]), grid: [2, 1], periodic: true }, p2p(150));
    expect(p.worstNode).toMatchObject({ messages: 2, streams: 1, maxRankMessages: 2 });
    // rank term L + G = 0.02001; node term L + 1e6 / min(1·1e8, 1.5e8) = 0.02001.
    expect(p.commSecondsPerStep).toBeCloseTo(0.02001, 12);
  });

  it('never predicts a step faster than the link streams: a ping-pong that beats the stream is floored by L(0) + M·n/rate', () => {
    // An idle-link ping-pong at 200 MB/s (a refilled token bucket), a stream at 100 MB/s.
    const bursty: PointToPoint = { ...p2p(undefined), latency: (n) => 10e-6 + n / 2e8 };
    const compact = predictHalo(chain([0, 0, 1, 1]), bursty);
    expect(compact.commSecondsPerStep).toBeCloseTo(10e-6 + 1e6 / 1e8, 12); // not 10 µs + 1e6 / 2e8
    // Cyclic: node 0 moves M = 3 messages at one pair's rate (Foster): L(0) + 3·n/ρ, above L(n) + 2·n/ρ.
    const cyclic = predictHalo(chain([0, 1, 0, 1]), bursty);
    expect(cyclic.commSecondsPerStep).toBeCloseTo(10e-6 + 3e6 / 1e8, 12);
    // Where the ping-pong is not faster than the stream, the floor changes nothing (the cases above).
    expect(predictHalo(chain([0, 1, 0, 1]), p2p(undefined)).commSecondsPerStep).toBeCloseTo(0.01001 + 2e6 / 1e8, 12);
  });

  it('warns when the halo size lies outside the fitted sizes', () => {
    expect(predictHalo(chain([0, 0, 1, 1], { haloBytes: 16 * 1024 * 1024 }), p2p(150)).warnings.join('\n')).toContain('extrapolates');
    expect(predictHalo(chain([0, 0, 1, 1], { haloBytes: 4096, computeUs: 0 }), p2p(150)).warnings).toEqual([]);
  });

  it('a model file predicts with its own regimes (fitted testbed: cyclic at 1 MiB is over 2× compact)', () => {
    const model = fitModel([fixture('testbed-1gbit-latbw.json'), fixture('testbed-1gbit-mbw.json')], { created: new Date(0), hpcrun: 'test' });
    const net = fromModelFile(model, 'fixture');
    const n = 1024 * 1024;
    const compact = predictHalo(chain([0, 0, 1, 1], { haloBytes: n }), net).commSecondsPerStep;
    const cyclic = predictHalo(chain([0, 1, 0, 1], { haloBytes: n }), net).commSecondsPerStep;
    within(compact, net.latency(n), 1e-9);
    expect(cyclic / compact).toBeGreaterThan(2);
  });
});

describe('cost per run', () => {
  it('prices on demand and the Spot range with 5–15% rework', () => {
    const c = costPerRun(3600, 2, { onDemandPerHour: 3, spotPerHour: 0.6 });
    expect(c.onDemand).toBeCloseTo(6, 12);
    expect(c.spotLow).toBeCloseTo(1.2 / 0.95, 12);
    expect(c.spotHigh).toBeCloseTo(1.2 / 0.85, 12);
    expect(c.notes).toEqual([]);
  });

  it('leaves Spot null, with the reason, when the catalog has no Spot price (H3 offers none)', () => {
    const c = costPerRun(1800, 4, { onDemandPerHour: 2, spotPerHour: undefined });
    expect(c.onDemand).toBeCloseTo(4, 12);
    expect(c.spotLow).toBeNull();
    expect(c.spotHigh).toBeNull();
    expect(c.notes[0]).toContain('no Spot price in the catalog');
  });

  it('is null, with the reason, without steps or prices', () => {
    expect(costPerRun(null, 2, { onDemandPerHour: 3, spotPerHour: 1 })).toMatchObject({ onDemand: null, spotLow: null, spotHigh: null, notes: ['no --steps: the run has no length to price'] });
    expect(costPerRun(10, 2, { onDemandPerHour: undefined, spotPerHour: undefined })).toMatchObject({ onDemand: null, notes: ['the machine has no price in the catalog'] });
  });
});

describe('time–cost Pareto front', () => {
  it.each([
    { points: [{ time: 1, cost: 10 }, { time: 2, cost: 5 }, { time: 3, cost: 6 }, { time: 1, cost: 12 }], front: [0, 1] },
    { points: [{ time: 1, cost: 1 }, { time: 1, cost: 1 }, { time: 2, cost: 2 }], front: [0, 1] },
    { points: [{ time: null, cost: 1 }, { time: 5, cost: null }, { time: 3, cost: 3 }], front: [2] },
    { points: [{ time: 3, cost: 1 }, { time: 2, cost: 2 }, { time: 1, cost: 3 }], front: [0, 1, 2] },
  ])('front of $points is $front', ({ points, front }) => {
    expect([...paretoFront(points)].sort()).toEqual(front);
  });
});
