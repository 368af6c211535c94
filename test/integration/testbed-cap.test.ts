// The testbed's bandwidth cap (`testbed up --bandwidth`): tc tbf on each
// node's egress, so each direction of a link gets the cap on its own (full
// duplex), as on a real NIC port. The model's predictions rely on it: a halo
// step sends and receives at once.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResultSet } from '../../src/results/index.js';
import { INVENTORY, finished, hpcrun, hpcrunOn } from './cluster.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'hpcrun-cap-it-'));
});
afterAll(async () => {
  await hpcrun(['testbed', 'up', '--nodes', '3']);
  await rm(scratch, { recursive: true, force: true });
});

describe('testbed bandwidth cap', () => {
  it('caps each direction at 1 Gbit/s on its own: bibw is about twice bw', { timeout: 180_000 }, async () => {
    expect((await hpcrun(['testbed', 'up', '--nodes', '3', '--bandwidth', '1gbit'])).exitCode).toBe(0);
    expect((await hpcrun(['testbed', 'status'])).stdout).toMatch(/^testbed: 3 nodes on 10\.213\.0\.0\/24, egress capped at 1gbit per node$/m);
    // Open MPI sends a message above its TCP eager limit (64 KiB) by rendezvous, and the
    // receiver's go-ahead travels behind its own outgoing data on the same TCP connection,
    // so two 1 MiB windows in opposite directions take turns (default bibw ~1x the cap,
    // benchmarks/README.md). An eager limit above the size takes that handshake away and
    // leaves the network's own behaviour: measured 238 MB/s bibw against 119 MB/s bw.
    const out = join(scratch, 'duplex');
    const eager = { OMPI_MCA_btl_tcp_eager_limit: '4194304', OMPI_MCA_btl_tcp_max_send_size: '4194304' };
    const r = await finished(hpcrunOn('hpcrun-n1', ['bench', '--hosts', INVENTORY, '--kind', 'bw,bibw', '--sizes', '1MiB', '--max-samples', '10', '--out', out], eager));
    expect(r.exitCode, r.stderr).toBe(0);
    const set = await readResultSet(`${out}.json`, scratch);
    expect(set.metadata.transport.OMPI_MCA_btl_tcp_eager_limit).toBe('4194304');
    const rate = (kind: string) => set.rows.find((row) => row.kind === kind)?.median ?? Number.NaN;
    // 1 Gbit/s is 125 MB/s; tbf lets a little more through in bursts.
    expect(rate('bw')).toBeGreaterThan(100);
    expect(rate('bw')).toBeLessThan(135);
    console.log(`1 Gbit/s cap, eager limit 4 MiB, 1 MiB: bw ${rate('bw')} MB/s, bibw ${rate('bibw')} MB/s`);
    // A shared cap (half duplex) would read about 1x bw; full duplex reads 2x.
    expect(rate('bibw'), `bw ${rate('bw')} MB/s, bibw ${rate('bibw')} MB/s`).toBeGreaterThan(1.7 * rate('bw'));
    expect(rate('bibw')).toBeLessThan(2 * 135);
  });
});
