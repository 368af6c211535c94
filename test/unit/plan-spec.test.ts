import { describe, expect, it } from 'vitest';
import { fieldErrors, parseGrid, parseHostfile, validateJob } from '../../src/core/plan/index.js';

describe('grid parsing', () => {
  it.each([
    ['64x64x64', [64, 64, 64]],
    ['64X32', [64, 32]],
    ['8,8,8', [8, 8, 8]],
    ['97', [97]],
    [[4, 5, 6], [4, 5, 6]],
    ['64x', undefined],
    ['axb', undefined],
    ['0x4', undefined],
    ['-4x4', undefined],
    ['2x2x2x2', undefined],
    ['4.5x4', undefined],
    [[4, 0], undefined],
  ] as const)('%j -> %j', (text, expected) => {
    expect(parseGrid(text)).toEqual(expected);
  });
});

describe('job validation', () => {
  it('fills defaults and takes ranks from the grid', () => {
    const r = validateJob({ grid: '4x4x4', coresPerNode: '8' }, 'flags');
    expect(r).toMatchObject({ ok: true, value: { coresPerNode: 8, job: { ranks: 64, threadsPerRank: 1, policy: 'compact', mpi: 'openmpi', periodic: false } } });
  });

  it.each([
    // raw, source, message naming the field
    [{ grid: '64x', coresPerNode: 8 }, 'flags', /--grid "64x" must be 1 to 3 positive extents/],
    [{ ranks: 0, coresPerNode: 8 }, 'flags', /--ranks 0 must be a whole number >= 1/],
    [{ ranks: '-3', coresPerNode: 8 }, 'flags', /--ranks "-3" must be a whole number/],
    [{ ranks: 4, coresPerNode: 8, memPerRank: '0GiB' }, 'flags', /--mem-per-rank "0GiB" must be a positive size/],
    [{ ranks: 4, coresPerNode: 8, memPerRank: 'lots' }, 'flags', /--mem-per-rank "lots"/],
    [{ ranks: 4, coresPerNode: 8, policy: 'packed' }, 'flags', /--policy "packed" must be one of compact, block, cyclic, spread/],
    [{ ranks: 4, coresPerNode: 8, mpi: 'mvapich' }, 'flags', /--mpi "mvapich" must be one of openmpi, mpich, intelmpi, slurm/],
    [{ ranks: 4 }, 'flags', /give --machine .* or --cores-per-node/],
    [{ coresPerNode: 8 }, 'flags', /give --ranks or --grid/],
    [{ ranks: 10, grid: '4x4', coresPerNode: 8 }, 'flags', /--ranks 10 does not match --grid 4x4 \(16 ranks\)/],
    [{ ranks: 4, machine: 'c2-standard-60', coresPerNode: 8 }, 'flags', /either --machine or --cores-per-node/],
    [{ ranks: 4, coresPerNode: 8, maxDistance: 4 }, 'flags', /--max-distance must be 1, 2 or 3/],
    [{ grid: '1000x1000x1000', coresPerNode: 8 }, 'flags', /--grid asks for 1000000000 ranks; hpcrun plans at most 100,000,000/],
    [{ grid: [64, 'x'], machine: 'c2-standard-60' }, 'file', /"grid" \[64,"x"\] must be/],
    [{ ranks: 4, machine: 'c2-standard-60', memPerRank: -1 }, 'file', /"memPerRank" -1 must be a positive size/],
    [{ ranks: 4, machine: 'c2-standard-60', periodic: 'yes' }, 'file', /"periodic" must be true or false/],
    [{ ranks: 4, machine: 'c2-standard-60', grdi: '4x4' }, 'file', /unknown field "grdi"/],
  ] as const)('rejects %j (%s)', (raw, source, message) => {
    const r = validateJob(raw, source);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toMatch(message);
  });

  it('checks a job file field by field before flags complete it', () => {
    expect(fieldErrors({ grid: '8x8' }, 'file')).toEqual([]);
    expect(fieldErrors({ threadsPerRank: 0 }, 'file')).toEqual(['"threadsPerRank" 0 must be a whole number >= 1']);
  });

  it('lets --recommend go without a node shape', () => {
    expect(validateJob({ grid: '8x8' }, 'flags', { requireShape: false }).ok).toBe(true);
  });
});

describe('--hosts files (Open MPI hostfile syntax)', () => {
  it('reads names, slots and comments', () => {
    expect(parseHostfile('# cluster\nnode-a slots=4\n\nnode-b   # no slots\nnode-c slots=8 max_slots=8\n')).toEqual([
      { name: 'node-a', slots: 4 },
      { name: 'node-b', slots: undefined },
      { name: 'node-c', slots: 8 },
    ]);
  });

  it.each([
    ['a slots=0\n', /hosts file:1: slots must be at least 1/],
    ['a cpus=4\n', /hosts file:1: cannot read "cpus=4"/],
    ['a\na\n', /hosts file:2: host a is listed twice \(first on line 1\)/],
    ['# nothing\n', /lists no hosts/],
  ])('rejects %j', (text, message) => {
    expect(() => parseHostfile(text)).toThrow(message);
  });
});
