// The batch script of `hpcrun submit`: #SBATCH lines and an srun job step,
// filled into a template (mpi-templates/slurm/batch.sh.tmpl). Every value is
// quoted with the one shell-quoting function, so arguments reach the program
// byte for byte. Pure.
//
// The step's placement:
//   block (--nodes N --ntasks-per-node K)  srun's own --distribution=block over
//       the nodes Slurm picks (their names are unknown until the job starts);
//   plan (--plan DIR)  the plan's hosts are requested with --nodelist, and its
//       SLURM_HOSTFILE travels inside the script as a here-document, written
//       to a private folder under $TMPDIR on the batch host when the job
//       starts. The script is self-contained: sbatch keeps a copy, so a job
//       that waits for days does not depend on a plan folder left unchanged,
//       nor on a filesystem the batch host shares.

import { usageError } from '../../errors.js';
import { shellJoin, shellQuote } from '../../exec/quote.js';
import { type Placed, launcherFor, srunBlock } from '../launchers/index.js';
import { shWordIn } from '../render/launch.js';
import { compressHostlist } from './hostlist.js';
import { type Template, fillTemplate, templateError } from './template.js';

export type BatchShape = { kind: 'block'; nodes: number; tasksPerNode: number } | { kind: 'plan'; placed: Placed };

export interface BatchSpec {
  shape: BatchShape;
  jobName: string;
  /** sbatch --output: a Slurm file-name pattern (%j is the job id), relative to the folder sbatch runs in. */
  output: string;
  partition?: string | undefined;
  time?: string | undefined;
  account?: string | undefined;
  /** srun --mpi (pmix for Open MPI); undefined keeps the site's MpiDefault. */
  pmi?: string | undefined;
  program: readonly string[];
}

/** What the template may name; the first two it must. */
export const BATCH_PLACEHOLDERS = ['sbatch', 'step', 'summary', 'version'] as const;
const REQUIRED = ['sbatch', 'step'];
/** The shell variable that holds the job's private folder (plan placement). */
const DIR_VARIABLE = 'hpcrun_dir';

/**
 * A value for an #SBATCH line. sbatch reads those lines with its own parser:
 * quotes as sh has them, but a backslash escapes even inside single quotes and
 * a line cannot continue, so those are refused rather than changed.
 */
export function requireDirectiveValue(value: string, flag: string): string {
  if (value === '' || /[\u0000-\u001f\u007f\\]/.test(value)) {
    throw usageError('HPCRUN_SBATCH_VALUE', `${flag} ${JSON.stringify(value)} cannot be written on an #SBATCH line (empty, or a newline, control character or backslash)`, `give ${flag} a value without them`);
  }
  return value;
}

/** Slurm's time formats: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S, or UNLIMITED. */
export function requireSlurmTime(text: string): string {
  if (!/^(\d+(:\d+){0,2}|\d+-\d+(:\d+){0,2}|UNLIMITED|INFINITE)$/i.test(text)) {
    throw usageError('HPCRUN_BAD_TIME', `--time ${JSON.stringify(text)} is not a Slurm time limit`, 'write minutes (30), H:M:S (2:00:00) or D-H:M:S (1-12:00:00), as sbatch --time takes');
  }
  return text;
}

const directive = (flag: string, value: string | number): string =>
  `#SBATCH --${flag}=${typeof value === 'number' ? value : shellQuote(requireDirectiveValue(value, `--${flag}`))}`;

export function sbatchLines(spec: BatchSpec): string[] {
  const { shape } = spec;
  const lines = [directive('job-name', spec.jobName)];
  if (shape.kind === 'block') {
    lines.push(directive('nodes', shape.nodes), directive('ntasks-per-node', shape.tasksPerNode));
  } else {
    const hosts = shape.placed.nodes.map((node) => node.host);
    lines.push(directive('nodes', hosts.length), directive('ntasks-per-node', shape.placed.ranksPerNode), directive('nodelist', compressHostlist(hosts)));
    if (shape.placed.threadsPerRank > 1) lines.push(directive('cpus-per-task', shape.placed.threadsPerRank));
  }
  if (spec.partition !== undefined) lines.push(directive('partition', spec.partition));
  if (spec.time !== undefined) lines.push(directive('time', requireSlurmTime(spec.time)));
  if (spec.account !== undefined) lines.push(directive('account', spec.account));
  lines.push(directive('output', spec.output));
  return lines;
}

/** A here-document delimiter that is no line of the text. */
function delimiterFor(text: string): string {
  const lines = new Set(text.split('\n'));
  let delimiter = 'HPCRUN_END_OF_FILE';
  while (lines.has(delimiter)) delimiter += '_';
  return delimiter;
}

/** The job step: srun, its environment and (for a plan) its host file, as sh lines. */
export function jobStep(spec: BatchSpec): string {
  const { shape } = spec;
  const command = shape.kind === 'block' ? srunBlock(shape, { pmi: spec.pmi }) : launcherFor('slurm').render(shape.placed, { placement: 'exact', pmi: spec.pmi });
  const lines: string[] = [];
  const files = Object.entries(command.files);
  if (files.length > 0) {
    lines.push(
      `${DIR_VARIABLE}=$(mktemp -d "\${TMPDIR:-/tmp}/hpcrun-job.XXXXXX") || exit 1`,
      `trap 'rm -rf -- "$${DIR_VARIABLE}"' EXIT`,
      // scancel sends TERM: end through the EXIT trap so the folder goes too.
      "trap 'exit 143' TERM",
    );
    for (const [name, content] of files) {
      const delimiter = delimiterFor(content);
      lines.push(`cat >"$${DIR_VARIABLE}"/${shellQuote(name)} <<'${delimiter}'\n${content}${content.endsWith('\n') || content === '' ? '' : '\n'}${delimiter}`);
    }
  }
  for (const [key, value] of Object.entries(command.env)) lines.push(`export ${key}=${shWordIn(value, DIR_VARIABLE)}`);
  // The launcher's words may name the job's folder; the program's are the user's, quoted as they are.
  lines.push([...command.argv.map((word) => shWordIn(word, DIR_VARIABLE)), shellJoin(spec.program)].join(' '));
  return lines.join('\n');
}

export function summaryOf(shape: BatchShape): string {
  if (shape.kind === 'block') return `${shape.nodes * shape.tasksPerNode} ranks, ${shape.tasksPerNode} per node on ${shape.nodes} node${shape.nodes === 1 ? '' : 's'}, in block order`;
  const hosts = shape.placed.nodes.map((node) => node.host);
  return `${shape.placed.rankToNode.length} ranks on ${hosts.length} node${hosts.length === 1 ? '' : 's'} (${compressHostlist(hosts)}), each on the host its plan gave it`;
}

/** The whole batch script: the template with every placeholder filled. */
export function renderBatchScript(template: Template, spec: BatchSpec, version: string): string {
  if (spec.program.length === 0) throw usageError('HPCRUN_NO_PROGRAM', 'no program given to submit', 'put the program after --, for example: hpcrun submit --nodes 2 --ntasks-per-node 4 -- ./a.out');
  const values: Record<(typeof BATCH_PLACEHOLDERS)[number], string> = {
    sbatch: sbatchLines(spec).join('\n'),
    step: jobStep(spec),
    summary: summaryOf(spec.shape),
    version,
  };
  return checkScript(template, fillTemplate(template, values, REQUIRED));
}

/** sbatch needs a #! line, and reads #SBATCH lines only up to the first command. */
function checkScript(template: Template, script: string): string {
  const lines = script.split('\n');
  if (!lines[0]?.startsWith('#!')) {
    throw templateError(template, 'HPCRUN_TEMPLATE_INVALID', 'the script does not start with #! and an interpreter, which sbatch requires', 'start the template with #!/bin/sh (or #!/bin/bash)');
  }
  const lastDirective = lines.findLastIndex((line) => line.startsWith('#SBATCH'));
  const command = lines.slice(1, lastDirective).findIndex((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  if (command !== -1) {
    throw templateError(template, 'HPCRUN_TEMPLATE_INVALID', `${JSON.stringify(lines[command + 1])} comes before #SBATCH lines, which sbatch ignores after the first command`, 'put {{sbatch}} right after the #! line, and commands such as module load after it');
  }
  return script;
}
