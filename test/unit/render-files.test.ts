import { describe, expect, it } from 'vitest';
import { parsePlanFile, planJob, type MpiFlavour } from '../../src/core/plan/index.js';
import {
  launchArgv, renderHostfile, renderLaunchScript, renderMachinefile, renderPlanFiles, renderPlanJson, renderRankfile, renderSlurmHostfile,
} from '../../src/core/render/index.js';
import { findShape, validateCatalog, type Catalog } from '../../src/core/catalog/catalog.js';
import catalogJson from '../../placement/gce-catalog.json' with { type: 'json' };
import { cores, job } from '../fixtures/plan/helpers.js';

const catalog = ((): Catalog => {
  const c = validateCatalog(catalogJson);
  if (!c.ok) throw new Error(c.errors.join('; '));
  return c.value;
})();

// 4x4 grid on 4-core nodes: compact puts each 2x2 quadrant on one node.
const quadrants = planJob(job({ grid: [4, 4] }), cores(4));

describe('plan files', () => {
  it('hostfile: one `host slots=N` line per node', () => {
    expect(renderHostfile(quadrants)).toBe('node0001 slots=4\nnode0002 slots=4\nnode0003 slots=4\nnode0004 slots=4\n');
  });

  it('rankfile: the exact placement, one line per rank', () => {
    expect(quadrants.metrics.mapping).toBe('boxes 2x2');
    expect(renderRankfile(quadrants).split('\n').slice(0, 6)).toEqual([
      'rank 0=node0001 slot=0',
      'rank 1=node0001 slot=1',
      'rank 2=node0002 slot=0',
      'rank 3=node0002 slot=1',
      'rank 4=node0001 slot=2',
      'rank 5=node0001 slot=3',
    ]);
  });

  it('rankfile: core ranges with threads per rank', () => {
    const plan = planJob(job({ ranks: 3, threadsPerRank: 4 }), cores(8));
    expect(renderRankfile(plan)).toBe('rank 0=node0001 slot=0-3\nrank 1=node0001 slot=4-7\nrank 2=node0002 slot=0-3\n');
  });

  it('machinefile: host:count runs in rank order', () => {
    expect(renderMachinefile(quadrants).split('\n').slice(0, 4)).toEqual(['node0001:2', 'node0002:2', 'node0001:2', 'node0002:2']);
    const total = renderMachinefile(quadrants).trim().split('\n').reduce((s, l) => s + Number(l.split(':')[1]), 0);
    expect(total).toBe(16);
  });

  it('slurm-hostfile: one host per rank', () => {
    const lines = renderSlurmHostfile(quadrants).trim().split('\n');
    expect(lines).toHaveLength(16);
    expect(lines.slice(0, 5)).toEqual(['node0001', 'node0001', 'node0002', 'node0002', 'node0001']);
  });

  it('uses --hosts names in order', () => {
    const plan = planJob(job({ ranks: 6 }), cores(4), [{ name: 'alpha', slots: undefined }, { name: 'beta', slots: undefined }, { name: 'gamma', slots: undefined }]);
    expect(renderHostfile(plan)).toBe('alpha slots=4\nbeta slots=2\n');
  });
});

describe('launch command', () => {
  it.each([
    ['openmpi', 1, 'mpirun -np 16 --hostfile {PLAN_DIR}/hostfile --rankfile {PLAN_DIR}/rankfile'],
    ['openmpi', 2, 'mpirun -np 16 --hostfile {PLAN_DIR}/hostfile --rankfile {PLAN_DIR}/rankfile -x OMP_NUM_THREADS'],
    ['mpich', 1, 'mpiexec -n 16 -f {PLAN_DIR}/machinefile'],
    ['intelmpi', 2, 'mpirun -n 16 -machinefile {PLAN_DIR}/machinefile -genv OMP_NUM_THREADS 2 -genv I_MPI_PIN_DOMAIN omp'],
    ['slurm', 1, 'srun --distribution=arbitrary --ntasks=16 --nodes=4 --cpus-per-task=1'],
  ] as const)('%s with %i threads', (mpi: MpiFlavour, threads, argv) => {
    const plan = planJob(job({ grid: [4, 4], mpi, threadsPerRank: threads }), cores(4 * threads));
    expect(launchArgv(plan).join(' ')).toBe(argv);
    const script = renderLaunchScript(plan);
    expect(script).toMatch(/^#!\/bin\/sh\n/);
    expect(script).toContain(`exec ${argv.replaceAll('{PLAN_DIR}', '"$DIR"')} "$@"`);
    if (mpi === 'slurm') expect(script).toContain('export SLURM_HOSTFILE="$DIR"/slurm-hostfile');
  });
});

describe('plan.json', () => {
  it('carries schemaVersion, the fields launch needs, and reads back', () => {
    const text = renderPlanJson(quadrants);
    const data = JSON.parse(text) as Record<string, unknown>;
    expect(data).toMatchObject({ schemaVersion: 1, kind: 'hpcrun-plan', nodeCount: 4, ranksPerNode: 4, threadsPerRank: 1, mpi: 'openmpi' });
    expect(data.metrics).toMatchObject({ interNodeEdges: 8, blockInterNodeEdges: 12, lowerBoundInterNodeEdges: 8 });
    const back = parsePlanFile(data);
    expect(back.rankToNode).toEqual(Array.from(quadrants.rankToNode));
    expect(back.files.rankfile).toBe('rankfile');
  });

  it.each([
    ['a GCE plan with placement policies, Spot and memory', () => planJob(job({ grid: [16, 16, 16], spot: true, memPerRankBytes: 2 * 1024 ** 3, haloBytes: 4096 }), findShape(catalog, 'c2-standard-60'))],
    ['real hosts, threads and no grid', () => planJob(job({ ranks: 6, threadsPerRank: 2, mpi: 'slurm' }), cores(4), [{ name: 'a', slots: 2 }, { name: 'b', slots: 2 }, { name: 'c', slots: undefined }])],
    ['more than 1,500 GCE nodes (no maxDistance)', () => planJob(job({ ranks: 60_000 }), findShape(catalog, 'n2-standard-64'))],
  ])('reads back what it writes: %s', (_name, make) => {
    const plan = make();
    const back = parsePlanFile(JSON.parse(renderPlanJson(plan)));
    expect(back.rankToNode).toEqual(Array.from(plan.rankToNode));
    expect(back.nodes).toEqual(plan.nodes);
  });

  it('leaves rankToNode out of --json output', () => {
    expect(JSON.parse(renderPlanJson(quadrants, { ranks: false }))).not.toHaveProperty('rankToNode');
  });

  it.each([
    [{ kind: 'other' }, /not an hpcrun plan/],
    [{ kind: 'hpcrun-plan', schemaVersion: 2 }, /found schemaVersion 2, this hpcrun reads 1/],
    [{ kind: 'hpcrun-plan', schemaVersion: 1, mpi: 'lam' }, /plan\.json: mpi: must be one of openmpi, mpich, intelmpi, slurm, not "lam"; policy: is required; .* \(and 14 more\)$/],
  ])('the reader rejects %j', (data, message) => {
    expect(() => parsePlanFile(data)).toThrow(message);
  });

  it('the reader rejects a plan whose nodes and rankToNode disagree', () => {
    const data = JSON.parse(renderPlanJson(quadrants)) as { rankToNode: number[] };
    data.rankToNode[0] = 3;
    expect(() => parsePlanFile(data)).toThrow(/node node0001 lists 4 ranks but rankToNode places 3/);
  });

  it('renders six files, launch.sh executable', () => {
    const files = renderPlanFiles(quadrants);
    expect(files.map((f) => f.name)).toEqual(['hostfile', 'rankfile', 'machinefile', 'slurm-hostfile', 'launch.sh', 'plan.json']);
    expect(files.find((f) => f.name === 'launch.sh')?.mode).toBe(0o755);
  });
});
