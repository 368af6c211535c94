// The batch script of `hpcrun submit` (src/core/slurm/batch.ts, template.ts):
// #SBATCH lines, the srun step for block and planned placement, the template
// checks, and quoting, proved by running the script under a real sh with a
// stand-in srun that prints the argv it receives.

import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placedInOrder } from '../../src/core/launch.js';
import { type BatchSpec, renderBatchScript, requireSlurmTime } from '../../src/core/slurm/batch.js';
import { type Template, fillTemplate } from '../../src/core/slurm/template.js';
import { caught } from '../helpers/cli.js';

const BATCH_TEMPLATE = fileURLToPath(new URL('../../mpi-templates/slurm/batch.sh.tmpl', import.meta.url));
let builtin: Template;
let dir: string;
beforeAll(async () => {
  builtin = { text: await readFile(BATCH_TEMPLATE, 'utf8'), source: 'builtin', path: BATCH_TEMPLATE };
  dir = await mkdtemp(join(tmpdir(), 'hpcrun-submit-script-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const block = (overrides: Partial<BatchSpec> = {}): BatchSpec => ({
  shape: { kind: 'block', nodes: 2, tasksPerNode: 4 },
  jobName: 'cfd',
  output: 'hpcrun-%j.out',
  pmi: 'pmix',
  program: ['./cfd', '--case', 'wing'],
  ...overrides,
});
// Ranks alternate between hosts: not block order, so only SLURM_HOSTFILE can place them.
const exact = { ...placedInOrder([{ host: 'sn2', ranks: 2 }, { host: 'sn3', ranks: 2 }]), rankToNode: Int32Array.from([0, 1, 0, 1]), rankSlot: Int32Array.from([0, 0, 1, 1]) };
const plan = (overrides: Partial<BatchSpec> = {}): BatchSpec => block({ shape: { kind: 'plan', placed: exact }, ...overrides });
const sbatchOf = (script: string) => script.split('\n').filter((line) => line.startsWith('#SBATCH'));
const stepOf = (script: string) => script.split('\n').at(-2);

describe('the batch script', () => {
  it.each<[string, BatchSpec, string[], string]>([
    ['block placement', block(), ['--job-name=cfd', '--nodes=2', '--ntasks-per-node=4', '--output=hpcrun-%j.out'],
      'srun --mpi=pmix --distribution=block --ntasks=8 --nodes=2 --ntasks-per-node=4 --cpus-per-task=1 ./cfd --case wing'],
    ['every sbatch option', block({ partition: 'debug', time: '1-12:00:00', account: 'proj-7', jobName: 'wing run', output: 'out/%x-%j.log' }),
      ["--job-name='wing run'", '--nodes=2', '--ntasks-per-node=4', '--partition=debug', '--time=1-12:00:00', '--account=proj-7', '--output=out/%x-%j.log'],
      'srun --mpi=pmix --distribution=block --ntasks=8 --nodes=2 --ntasks-per-node=4 --cpus-per-task=1 ./cfd --case wing'],
    ['the site\'s MpiDefault (no --mpi) for MPICH', block({ pmi: undefined, shape: { kind: 'block', nodes: 1, tasksPerNode: 1 } }), ['--job-name=cfd', '--nodes=1', '--ntasks-per-node=1', '--output=hpcrun-%j.out'],
      'srun --distribution=block --ntasks=1 --nodes=1 --ntasks-per-node=1 --cpus-per-task=1 ./cfd --case wing'],
    ['a plan: its nodes by name, its placement by SLURM_HOSTFILE', plan(), ['--job-name=cfd', '--nodes=2', '--ntasks-per-node=2', "--nodelist='sn[2-3]'", '--output=hpcrun-%j.out'],
      'srun --mpi=pmix --distribution=arbitrary --ntasks=4 --nodes=2 --cpus-per-task=1 ./cfd --case wing'],
    ['a plan with threaded ranks', plan({ shape: { kind: 'plan', placed: { ...exact, threadsPerRank: 2 } } }), ['--job-name=cfd', '--nodes=2', '--ntasks-per-node=2', "--nodelist='sn[2-3]'", '--cpus-per-task=2', '--output=hpcrun-%j.out'],
      'srun --mpi=pmix --distribution=arbitrary --ntasks=4 --nodes=2 --cpus-per-task=2 ./cfd --case wing'],
  ])('renders %s', (_name, spec, sbatch, step) => {
    const script = renderBatchScript(builtin, spec, '1.2.3');
    expect(script.startsWith('#!/bin/sh\n#SBATCH ')).toBe(true);
    expect(sbatchOf(script)).toEqual(sbatch.map((option) => `#SBATCH ${option}`));
    expect(stepOf(script)).toBe(step);
    expect(script).toContain('# Written by hpcrun 1.2.3 (hpcrun submit): ');
  });

  it('carries a plan\'s host file in a here-document and exports SLURM_HOSTFILE to it', () => {
    const script = renderBatchScript(builtin, plan({ shape: { kind: 'plan', placed: { ...exact, threadsPerRank: 2 } } }), '1');
    expect(script).toContain("<<'HPCRUN_END_OF_FILE'\nsn2\nsn3\nsn2\nsn3\nHPCRUN_END_OF_FILE\n");
    expect(script).toContain('export SLURM_HOSTFILE="$hpcrun_dir"/slurm-hostfile\n');
    expect(script).toContain('export OMP_NUM_THREADS=2\n');
  });

  it('picks a here-document delimiter that no host line equals', () => {
    const odd = placedInOrder([{ host: 'HPCRUN_END_OF_FILE', ranks: 1 }]);
    expect(renderBatchScript(builtin, plan({ shape: { kind: 'plan', placed: odd } }), '1')).toContain("<<'HPCRUN_END_OF_FILE_'\nHPCRUN_END_OF_FILE\nHPCRUN_END_OF_FILE_\n");
  });

  it.each<[string, Partial<BatchSpec>, string]>([
    ['a newline in the job name', { jobName: 'a\nb' }, 'HPCRUN_SBATCH_VALUE'],
    ['a backslash in the partition', { partition: 'a\\b' }, 'HPCRUN_SBATCH_VALUE'],
    ['an empty account', { account: '' }, 'HPCRUN_SBATCH_VALUE'],
    ['a tab in the output', { output: 'a\tb' }, 'HPCRUN_SBATCH_VALUE'],
    ['a time that is no Slurm time', { time: '2h' }, 'HPCRUN_BAD_TIME'],
    ['no program', { program: [] }, 'HPCRUN_NO_PROGRAM'],
  ])('refuses %s (usage, 64)', (_name, overrides, code) => {
    const error = caught(() => renderBatchScript(builtin, block(overrides), '1'));
    expect([error.code, error.exitCode]).toEqual([code, 64]);
  });

  it.each(['30', '30:00', '2:00:00', '1-0', '1-12:30', '1-12:30:00', 'UNLIMITED', 'infinite'])('takes --time %s', (time) => {
    expect(requireSlurmTime(time)).toBe(time);
  });
});

describe('the template', () => {
  const user = (text: string): Template => ({ text, source: 'user', path: '/site/batch.tmpl' });
  const values = { sbatch: '#SBATCH --nodes=1', step: 'srun a', summary: 's', version: 'v' };

  it.each<[string, string, string, RegExp]>([
    ['names a placeholder hpcrun does not fill', '#!/bin/sh\n{{sbatch}}\nmodule load {{module}}\n{{step}}\n', 'HPCRUN_TEMPLATE_PLACEHOLDER', /\{\{module\}\} \(line 3\) is a placeholder hpcrun does not fill/],
    ['lacks the job step', '#!/bin/sh\n{{sbatch}}\necho nothing\n', 'HPCRUN_TEMPLATE_PLACEHOLDER', /\{\{step\}\} is missing, so the job would lack its step/],
    ['lacks both required placeholders', '#!/bin/sh\n', 'HPCRUN_TEMPLATE_PLACEHOLDER', /\{\{sbatch\}\} and \{\{step\}\} are missing/],
    ['runs a command before the #SBATCH lines', '#!/bin/sh\nmodule load openmpi\n{{sbatch}}\n{{step}}\n', 'HPCRUN_TEMPLATE_INVALID', /"module load openmpi" comes before #SBATCH lines/],
    ['has no #! line', '{{sbatch}}\n{{step}}\n', 'HPCRUN_TEMPLATE_INVALID', /does not start with #!/],
  ])('refuses a user template that %s (input, 65)', (_name, text, code, message) => {
    const error = caught(() => renderBatchScript(user(text), block(), '1'));
    expect([error.code, error.exitCode, error.kind]).toEqual([code, 65, 'input']);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('/site/batch.tmpl');
  });

  it('counts a hole in hpcrun\'s own template as a bug (internal, 70)', () => {
    const error = caught(() => fillTemplate({ ...builtin, text: `${builtin.text}{{nodes}}\n` }, values, ['sbatch', 'step']));
    expect([error.code, error.exitCode]).toEqual(['HPCRUN_TEMPLATE_PLACEHOLDER', 70]);
  });

  it('fills in one pass: a value that looks like a placeholder stays text', () => {
    expect(fillTemplate(user('{{ step }} {{sbatch}}'), { ...values, step: '{{sbatch}} {{nope}}' }, ['step'])).toBe('{{sbatch}} {{nope}} #SBATCH --nodes=1');
  });

  it('takes a site template with its own lines after the directives', () => {
    const script = renderBatchScript(user('#!/bin/bash\n# site header\n{{sbatch}}\n#SBATCH --qos=high\nmodule load openmpi\n{{step}}\n'), block(), '1');
    expect(script).toMatch(/^#!\/bin\/bash\n# site header\n#SBATCH --job-name=cfd\n[^]*#SBATCH --qos=high\nmodule load openmpi\nsrun /);
  });
});

describe('quoting, proved by sh', () => {
  // Every word must reach srun byte for byte; nothing in them may run.
  const canary = () => join(dir, 'ran');
  const hostile = () => [
    `; touch ${canary()}`, `$(touch ${canary()})`, `\`touch ${canary()}\``, "it's", '"double"', 'two\nlines', '', ' spaced ', '{{step}}', '{PLAN_DIR}', '$hpcrun_dir', '*', '#', '\\', '%j',
  ];

  async function runScript(spec: BatchSpec): Promise<{ words: string[]; hostfile: string | undefined; tmp: string[] }> {
    const bin = join(dir, 'bin');
    const tmp = join(dir, 'tmp');
    await mkdir(bin, { recursive: true });
    await mkdir(tmp, { recursive: true });
    // A stand-in srun: each argument NUL-terminated, then the host file it was given.
    await writeFile(join(bin, 'srun'), '#!/bin/sh\nfor a in "$@"; do printf \'%s\\0\' "$a"; done\nif [ -n "${SLURM_HOSTFILE:-}" ]; then printf \'HOSTFILE\\0\'; cat "$SLURM_HOSTFILE"; fi\n');
    await chmod(join(bin, 'srun'), 0o755);
    const script = renderBatchScript(builtin, spec, '1');
    const out = execFileSync('sh', ['-c', script], { cwd: dir, env: { PATH: `${bin}:/usr/bin:/bin`, TMPDIR: tmp } }).toString();
    const [args, hostfile] = out.split('HOSTFILE\0');
    return { words: (args as string).split('\0').slice(0, -1), hostfile, tmp: await readdir(tmp) };
  }

  it.each([
    ['block', block],
    ['plan', plan],
  ])('hands srun every hostile argument verbatim (%s), and runs none of them', async (_name, make) => {
    const program = ['printf', ...hostile()];
    const { words, hostfile, tmp } = await runScript(make({ program }));
    expect(words.slice(words.indexOf('printf'))).toEqual(program);
    expect(await readdir(dir)).not.toContain('ran');
    if (make === plan) {
      expect(hostfile).toBe('sn2\nsn3\nsn2\nsn3\n');
      // The job's private folder went with the script (trap on EXIT).
      expect(tmp).toEqual([]);
    }
  });
});
