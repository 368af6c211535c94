// A batch job's state from `scontrol show job` (src/core/slurm/job-state.ts),
// read from output captured on a real Slurm 22.05 (test/fixtures/slurm/).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type JobInfo, cannotStart, describeReason, endStatus, hasEnded, judgePending, parseJobInfo, reasonClass } from '../../src/core/slurm/job-state.js';
import { HpcrunError } from '../../src/errors.js';
import { caught } from '../helpers/cli.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/slurm/', import.meta.url));
const fixture = async (name: string): Promise<JobInfo> => parseJobInfo(await readFile(join(FIXTURES, `scontrol-${name}.txt`), 'utf8'));

describe('scontrol show job, as captured', () => {
  it.each<[string, Partial<JobInfo>]>([
    ['pending-resources', { state: 'PENDING', reason: 'Resources', exitCode: 0, signal: 0, nodeList: undefined, stdout: '/dev/null' }],
    ['pending-partition-time-limit', { state: 'PENDING', reason: 'PartitionTimeLimit', partition: 'short', timeLimit: '00:05:00' }],
    ['pending-partition-node-limit', { state: 'PENDING', reason: 'PartitionNodeLimit' }],
    ['pending-req-node-not-avail', { state: 'PENDING', reason: 'ReqNodeNotAvail,_UnavailableNodes:sn3' }],
    ['running', { state: 'RUNNING', reason: 'None', nodeList: 'sn2' }],
    ['cancelled-running', { state: 'CANCELLED', exitCode: 0, signal: 15 }],
    ['completed', { state: 'COMPLETED', exitCode: 0, signal: 0 }],
    ['failed-exit-7', { state: 'FAILED', reason: 'NonZeroExitCode', exitCode: 7, signal: 0 }],
    // A name and an output path with blanks, quotes and '#': read whole, not cut at a blank.
    ['timeout', { jobId: '7', name: 'it\'s a "name" #1', state: 'TIMEOUT', reason: 'TimeLimit', exitCode: 0, signal: 15, timeLimit: '00:01:00', stdout: '/tmp/subexp/fx/my dir-7.out' }],
  ])('reads %s', async (name, expected) => {
    expect(await fixture(name)).toMatchObject(expected);
  });

  it('refuses text that is not a job (internal: Slurm changed its format)', () => {
    expect(caught(() => parseJobInfo('slurm_load_jobs error: Invalid job id specified\n')).code).toBe('HPCRUN_SCONTROL_OUTPUT');
  });
});

describe('pending reasons', () => {
  it.each<[string, 'waiting' | 'stuck' | 'hopeless']>([
    ['None', 'waiting'],
    ['Priority', 'waiting'],
    ['Resources', 'waiting'],
    ['Dependency', 'waiting'],
    ['BeginTime', 'waiting'],
    ['QOSGrpCpuLimit', 'waiting'],
    ['AssocGrpCPUMinutesLimit', 'waiting'],
    ['QOSMaxJobsPerUserLimit', 'waiting'],
    ['PartitionTimeLimit', 'hopeless'],
    ['PartitionNodeLimit', 'hopeless'],
    ['InvalidAccount', 'hopeless'],
    ['QOSMaxWallDurationPerJobLimit', 'hopeless'],
    ['AssocMaxNodesPerJobLimit', 'hopeless'],
    ['QOSMinCpuNotSatisfied', 'hopeless'],
    ['DependencyNeverSatisfied', 'hopeless'],
    ['ReqNodeNotAvail,_UnavailableNodes:sn3', 'stuck'],
    ['Nodes_required_for_job_are_DOWN,_DRAINED_or_reserved_for_jobs_in_higher_priority_partitions', 'stuck'],
    ['PartitionConfig', 'stuck'],
    ['PartitionDown', 'stuck'],
    ['JobHeldAdmin', 'stuck'],
    ['launch_failed_requeued_held', 'stuck'],
    ['SomethingNewInSlurm99', 'stuck'],
  ])('%s is %s', (reason, cls) => {
    expect(reasonClass(reason)).toBe(cls);
  });

  it('are shown with blanks again', () => {
    expect(describeReason('ReqNodeNotAvail,_UnavailableNodes:sn3')).toBe('ReqNodeNotAvail, UnavailableNodes:sn3');
  });

  const limits = { hopelessMs: 2_000, stuckMs: 60_000 };
  it.each<[string, [string, number][], boolean]>([
    ['waits on Resources for ever', [['Resources', 0], ['Resources', 10 ** 9]], false],
    ['believes PartitionTimeLimit once it has held 2 s', [['PartitionConfig', 0], ['PartitionTimeLimit', 500], ['PartitionTimeLimit', 2_500]], true],
    ['does not believe a hopeless reason seen for a moment', [['PartitionTimeLimit', 0], ['Resources', 1_000], ['PartitionTimeLimit', 2_500]], false],
    ['gives a drained node the grace period', [['ReqNodeNotAvail,_UnavailableNodes:sn3', 0], ['ReqNodeNotAvail,_UnavailableNodes:sn3', 59_000]], false],
    ['gives up on a drained node after it', [['ReqNodeNotAvail,_UnavailableNodes:sn3', 0], ['JobHeldAdmin', 30_000], ['ReqNodeNotAvail,_UnavailableNodes:sn3', 60_000]], true],
  ])('%s', (_name, looks, giveUp) => {
    let watch;
    let last = false;
    for (const [reason, at] of looks) ({ watch, giveUp: last } = judgePending(watch, reason, at, limits));
    expect(last).toBe(giveUp);
  });

  it('quote Slurm\'s reason when the job cannot start, with what to do', async () => {
    const job = await fixture('pending-partition-time-limit');
    const error = cannotStart(job, { cls: 'hopeless', since: 0 }, 2_000);
    expect([error.code, error.exitCode]).toEqual(['HPCRUN_JOB_CANNOT_START', 68]);
    expect(error.message).toMatch(/job \d+ cannot start: Slurm holds it pending with reason "PartitionTimeLimit"; hpcrun cancelled it/);
    expect(error.hint).toMatch(/asks for 00:05:00: lower --time to at most partition short's limit \(sinfo -p short -o %l/);
    const stuck = cannotStart(await fixture('pending-req-node-not-avail'), { cls: 'stuck', since: 0 }, 61_000);
    expect(stuck.message).toMatch(/reason "ReqNodeNotAvail, UnavailableNodes:sn3" and stayed so for 61 s/);
    expect(stuck.hint).toMatch(/raise --stuck-after/);
  });
});

describe('how a job ended', () => {
  const job = (overrides: Partial<JobInfo>): JobInfo => ({ jobId: '9', name: 'x', state: 'COMPLETED', reason: 'None', exitCode: 0, signal: 0, partition: 'local', timeLimit: '00:10:00', nodeList: 'sn1', stdout: undefined, ...overrides });

  it.each<[Partial<JobInfo>, number]>([
    [{}, 0],
    [{ state: 'FAILED', exitCode: 7 }, 7],
    // srun reports a task killed by SIGKILL as 137, and the script passes that on.
    [{ state: 'FAILED', exitCode: 137 }, 137],
    // The batch shell itself killed by a signal (ExitCode=0:N).
    [{ state: 'FAILED', signal: 10 }, 138],
    [{ state: 'CANCELLED', signal: 15 }, 143],
  ])('%j exits %i', (overrides, status) => {
    expect(endStatus(job(overrides))).toBe(status);
  });

  it.each<[Partial<JobInfo>, string, number]>([
    [{ state: 'TIMEOUT', signal: 15 }, 'HPCRUN_TIMEOUT', 124],
    [{ state: 'CANCELLED', nodeList: undefined }, 'HPCRUN_JOB_CANCELLED', 143],
    [{ state: 'NODE_FAIL' }, 'HPCRUN_JOB_FAILED', 76],
  ])('%j is %s (%i)', (overrides, code, status) => {
    const error = caught(() => endStatus(job(overrides)));
    expect(error).toBeInstanceOf(HpcrunError);
    expect([error.code, error.exitCode]).toEqual([code, status]);
  });

  it('has ended only in a final state (COMPLETING is still in the queue)', () => {
    expect(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY'].every(hasEnded)).toBe(true);
    expect(['PENDING', 'RUNNING', 'COMPLETING', 'CONFIGURING', 'SUSPENDED', 'REQUEUED'].some(hasEnded)).toBe(false);
  });
});
