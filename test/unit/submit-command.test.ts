// hpcrun submit as a command, in-process: flags, --dry-run, and the sbatch
// and scontrol it runs, played by small stand-in executables on PATH (the
// real Slurm is in test/integration/submit.test.ts).

import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/slurm/', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hpcrun-submit-command-'));
  await writeFile(join(dir, 'hosts'), 'sn1 slots=2\nsn2 slots=2\nsn3 slots=2\n');
  expect((await cli(['plan', '--grid', '2x3', '--cores-per-node', '2', '--hosts', join(dir, 'hosts'), '--mpi', 'slurm', '--out', join(dir, 'plan')])).code).toBe(0);
  await writeFile(join(dir, 'no-step.tmpl'), '#!/bin/sh\n{{sbatch}}\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cli(argv: string[], path = '/nonexistent') {
  return runCli(argv, { cwd: dir, env: { HOME: dir, PATH: path } });
}

/** A folder of stand-in Slurm commands, each a small sh script. */
async function fakeSlurm(name: string, scripts: Record<string, string>): Promise<string> {
  const bin = join(dir, name);
  await mkdir(bin, { recursive: true });
  for (const [command, body] of Object.entries(scripts)) {
    await writeFile(join(bin, command), `#!/bin/sh\n${body}\n`);
    await chmod(join(bin, command), 0o755);
  }
  return `${bin}:/usr/bin:/bin`;
}

describe('hpcrun submit', () => {
  it('prints the batch script with --dry-run and runs nothing', async () => {
    const run = await cli(['submit', '--nodes', '2', '--ntasks-per-node', '4', '--time', '10', '--dry-run', '--', './a.out', 'x y']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/^#!\/bin\/sh\n#SBATCH --job-name=a\.out\n#SBATCH --nodes=2\n#SBATCH --ntasks-per-node=4\n#SBATCH --time=10\n#SBATCH --output=hpcrun-%j\.out\n/);
    expect(run.out).toMatch(/\nsrun --mpi=pmix --distribution=block --ntasks=8 --nodes=2 --ntasks-per-node=4 --cpus-per-task=1 \.\/a\.out 'x y'\n$/);
  });

  it('takes a plan\'s nodes and placement', async () => {
    const run = await cli(['submit', '--plan', 'plan', '--dry-run', '--', './stencil']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain("#SBATCH --nodelist='sn[1-3]'\n");
    expect(run.out).toContain('\nsn1\nsn2\nsn3\nsn1\nsn2\nsn3\nHPCRUN_END_OF_FILE\n');
  });

  it.each([
    [['--dry-run', '--', 'true'], 64, /HPCRUN_SUBMIT_SHAPE: say where the ranks go/],
    [['--nodes', '2', '--dry-run', '--', 'true'], 64, /HPCRUN_SUBMIT_SHAPE/],
    [['--plan', 'plan', '--nodes', '2', '--dry-run', '--', 'true'], 64, /HPCRUN_SUBMIT_SHAPE: --plan fixes the nodes/],
    [['--nodes', 'two', '--ntasks-per-node', '1', '--dry-run', '--', 'true'], 64, /--nodes "two" is not a positive whole number/],
    [['--nodes', '1', '--ntasks-per-node', '1', '--time', '2h', '--dry-run', '--', 'true'], 64, /HPCRUN_BAD_TIME/],
    [['--nodes', '1', '--ntasks-per-node', '1', '--job-name', 'a\nb', '--dry-run', '--', 'true'], 64, /HPCRUN_SBATCH_VALUE: --job-name "a\\nb" cannot be written on an #SBATCH line/],
    [['--nodes', '1', '--ntasks-per-node', '1', '--stuck-after', 'soon', '--', 'true'], 64, /--stuck-after "soon" is not a positive duration/],
    [['--nodes', '1', '--ntasks-per-node', '1', '--template', 'no-step.tmpl', '--dry-run', '--', 'true'], 65, /HPCRUN_TEMPLATE_PLACEHOLDER: .*no-step\.tmpl: \{\{step\}\} is missing/],
    [['--nodes', '1', '--ntasks-per-node', '1', '--template', 'absent.tmpl', '--dry-run', '--', 'true'], 66, /HPCRUN_TEMPLATE_MISSING: cannot read batch template .*absent\.tmpl/],
    [['--plan', 'nowhere', '--dry-run', '--', 'true'], 66, /HPCRUN_PLAN_MISSING/],
    [['--nodes', '1', '--ntasks-per-node', '1', '--', 'true'], 69, /HPCRUN_NO_LAUNCHER: cannot start sbatch here/],
  ])('refuses %j with status %i', async (args, status, message) => {
    const run = await cli(['submit', ...args]);
    expect(run.code).toBe(status);
    expect(run.err).toMatch(message);
  });

  it('hands sbatch the script on stdin and prints the job id, as JSON with --json', async () => {
    const path = await fakeSlurm('ok', {
      sbatch: `[ "$*" = --parsable ] || exit 99\ncat > "${dir}/received.sh"\necho '42;hpcrun'`,
      scontrol: `[ "$*" = 'show job 42' ] || exit 99\ncat '${FIXTURES}/scontrol-running.txt'`,
    });
    const args = ['submit', '--nodes', '1', '--ntasks-per-node', '2', '--', 'hostname'];
    const plain = await cli(args, path);
    expect([plain.code, plain.out], plain.err).toEqual([0, '42\n']);
    const json = await cli([...args.slice(0, -2), '--json', '--', 'hostname'], path);
    expect([json.code, json.out], json.err).toEqual([0, '{"jobId":42}\n']);
    const dry = await cli([...args.slice(0, -2), '--dry-run', '--', 'hostname']);
    expect(await readFile(join(dir, 'received.sh'), 'utf8')).toBe(dry.out);
  });

  it('quotes Slurm when sbatch refuses the job (68)', async () => {
    const path = await fakeSlurm('refuse', {
      sbatch: "echo 'sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified' >&2\nexit 1",
    });
    const run = await cli(['submit', '--nodes', '1', '--ntasks-per-node', '1', '--account', 'nobody', '--', 'true'], path);
    expect(run.code).toBe(68);
    expect(run.err).toMatch(/HPCRUN_SUBMIT_REFUSED: Slurm refused the job: Batch job submission failed: Invalid account or account\/partition combination specified/);
  });
});
