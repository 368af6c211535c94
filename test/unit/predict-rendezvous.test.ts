// predict's rendezvous warning: a model measured with Open MPI over TCP knows
// the tcp btl's eager limit, and a halo above it is warned about with the
// longest wait a go-ahead queued behind the peer's own halo can add.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fitModel, fromModelFile, predictHalo, type HaloJob, type PointToPoint } from '../../src/core/model/index.js';
import { validateResultSet } from '../../src/results/index.js';
import type { ResultSet } from '../../src/schemas/index.js';

const load = (name: string): ResultSet => {
  const path = fileURLToPath(new URL(`../fixtures/model/${name}`, import.meta.url));
  return validateResultSet(JSON.parse(readFileSync(path, 'utf8')), path);
};
const modelWith = (transport: Record<string, string> | undefined) => {
  const set = load('testbed-1gbit-latbw.json');
  if (transport) set.metadata.transport = transport;
  return fromModelFile(fitModel([{ file: 'net.json', set }], { created: new Date(0), hpcrun: 'test' }), 'net.json');
};

/** latency 10 µs + n / 100 MB/s; gap n / 100 MB/s. */
const p2p = (eager: number | undefined): PointToPoint => ({
  origin: 'measured',
  name: 'test',
  latency: (n) => 10e-6 + n / 1e8,
  gap: (n) => n / 1e8,
  nodeRate: undefined,
  range: { minBytes: 8, maxBytes: 4 * 1024 * 1024 },
  ...(eager === undefined ? {} : { tcpEagerLimitBytes: eager }),
});
const compact = (haloBytes: number): HaloJob => ({ grid: [4, 1], periodic: false, rankToNode: [0, 0, 1, 1], nodeCount: 2, haloBytes, computeUs: 0, steps: undefined });
const rendezvous = (warnings: string[]) => warnings.filter((w) => w.includes('rendezvous'));

describe('the TCP eager limit in a fitted model', () => {
  it('is Open MPI’s default 64 KiB for a set measured over tcp (the testbed fixture: btl tcp,self)', () => {
    expect(modelWith(undefined).tcpEagerLimitBytes).toBe(65536);
  });
  it('is the btl_tcp_eager_limit the set was measured with', () => {
    expect(modelWith({ OMPI_MCA_btl: 'tcp,self', OMPI_MCA_btl_tcp_eager_limit: '8388608' }).tcpEagerLimitBytes).toBe(8388608);
  });
  it('is unknown when the transport does not say tcp (InfiniBand, shared memory, or not recorded)', () => {
    expect(modelWith({}).tcpEagerLimitBytes).toBeUndefined();
    expect(modelWith({ OMPI_MCA_btl: 'openib,self' }).tcpEagerLimitBytes).toBeUndefined();
  });
});

describe('predictHalo above the eager limit', () => {
  it('warns with the longest wait, (n − limit) at the stream rate, and leaves the figure alone', () => {
    const n = 1024 * 1024;
    const warned = predictHalo(compact(n), p2p(65536));
    const [warning] = rendezvous(warned.warnings);
    expect(warning).toMatch(/^1 MiB halos exceed Open MPI's TCP eager limit \(64 KiB\) and go by rendezvous/);
    // (1,048,576 − 65,536) B / 100 MB/s = 9.83 ms.
    expect(warning).toContain('up to 9.83 ms more per message');
    // The fix names the variables and a limit a little above the halo (1.25 MiB), not an arbitrary large one.
    expect(warning).toContain('set OMPI_MCA_btl_tcp_eager_limit and OMPI_MCA_btl_tcp_max_send_size to 1310720');
    expect(warned.secondsPerStep).toBe(predictHalo(compact(n), p2p(undefined)).secondsPerStep);
  });
  it('is silent at or below the limit, with a raised limit, and without a TCP transport', () => {
    expect(rendezvous(predictHalo(compact(65536), p2p(65536)).warnings)).toEqual([]);
    expect(rendezvous(predictHalo(compact(1024 * 1024), p2p(8388608)).warnings)).toEqual([]);
    expect(rendezvous(predictHalo(compact(1024 * 1024), p2p(undefined)).warnings)).toEqual([]);
  });
});
