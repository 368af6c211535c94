// The local Slurm cluster's layout and slurm.conf (src/testbed/slurm-conf.ts):
// pure, so checked here without any daemon.
import { describe, expect, it } from 'vitest';
import { caught } from '../helpers/cli.js';
import { renderSlurmConf, slurmClientEnv, slurmLayout, slurmStateDir } from '../../src/testbed/slurm-conf.js';

describe('local Slurm cluster layout', () => {
  it('names nodes sn1..snN, one port each after the controller, every path in the state folder', () => {
    const layout = slurmLayout({ nodes: 3, dir: '/run/x' });
    const conf = renderSlurmConf(layout);
    expect(layout.nodes).toEqual(['sn1', 'sn2', 'sn3']);
    expect(conf).toContain('SlurmctldHost=snctl(127.0.0.1)\nSlurmctldPort=17000\n');
    expect(conf).toContain('NodeName=sn[1-3] NodeHostname=sn[1-3] NodeAddr=127.0.0.1 Port=[17001-17003] CPUs=2 ');
    expect(conf).toContain('SlurmdPidFile=/run/x/nodes/%n/slurmd.pid\n');
    expect(conf).toContain('TmpFS=/run/x/nodes/%n/tmp\n');
    expect(conf).toContain('AuthInfo=socket=/run/x/munge/munge.socket\n');
    for (const line of conf.split('\n').filter((l) => l.startsWith('/') || /=\//.test(l))) expect(line).toMatch(/=\/run\/x\//);
    expect(slurmClientEnv(layout)).toEqual({ SLURM_CONF: '/run/x/slurm.conf' });
  });

  it('has the default partition local, and a one-minute partition short for jobs over a time limit', () => {
    const conf = renderSlurmConf(slurmLayout({ nodes: 3, dir: '/run/x' }));
    expect(conf).toContain('\nPartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=EXCLUSIVE\n');
    expect(conf).toContain('\nPartitionName=short Nodes=ALL MaxTime=1 State=UP OverSubscribe=EXCLUSIVE\n');
  });

  it('writes a single node without a range, and honours cpus and base port', () => {
    const conf = renderSlurmConf(slurmLayout({ nodes: 1, dir: '/run/x', cpusPerNode: 8, basePort: 20000 }));
    expect(conf).toContain('NodeName=sn1 NodeHostname=sn1 NodeAddr=127.0.0.1 Port=20001 CPUs=8 Sockets=1 CoresPerSocket=8 ');
    expect(conf).toContain('SlurmctldPort=20000\nSlurmdPort=20001\n');
  });

  it('defaults to /run/hpcrun-slurm, or HPCRUN_SLURM_DIR', () => {
    expect(slurmStateDir({})).toBe('/run/hpcrun-slurm');
    expect(slurmStateDir({ HPCRUN_SLURM_DIR: '/tmp/s' })).toBe('/tmp/s');
  });

  it.each([
    [{ nodes: 0, dir: '/run/x' }, 'HPCRUN_SLURM_NODES'],
    [{ nodes: 2, dir: 'relative' }, 'HPCRUN_SLURM_DIR'],
    // slurm.conf cannot quote: a blank or '#' would cut the path.
    [{ nodes: 2, dir: '/tmp/a b' }, 'HPCRUN_SLURM_DIR'],
    [{ nodes: 2, dir: '/tmp/a#b' }, 'HPCRUN_SLURM_DIR'],
    [{ nodes: 2, dir: '/run/x', basePort: 80 }, 'HPCRUN_SLURM_PORT'],
  ])('refuses %j', (options, code) => {
    const error = caught(() => slurmLayout(options));
    expect(error.kind).toBe('usage');
    expect(error.code).toBe(code);
  });
});
