// The nightly workflow for real: `hpcrun nightly init` writes it, and this
// test runs the workflow's own `run:` steps, read from its YAML, with bash on
// the head node of the virtual cluster (the self-hosted runner's place), with
// GITHUB_STEP_SUMMARY set to a file.

import { execa } from 'execa';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, INVENTORY, hpcrun } from './cluster.js';

let repo: string;
let bin: string;
beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'hpcrun-nightly-it-'));
  // The runner has hpcrun on its PATH.
  bin = await mkdtemp(join(tmpdir(), 'hpcrun-bin-'));
  await writeFile(join(bin, 'hpcrun'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`);
  await chmod(join(bin, 'hpcrun'), 0o755);
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
  await rm(bin, { recursive: true, force: true });
});

/** The workflow's `run:` steps, in order. */
async function runSteps(): Promise<string[]> {
  const workflow = parse(await readFile(join(repo, '.github/workflows/hpcrun-nightly.yml'), 'utf8')) as { jobs: Record<string, { steps: { run?: string }[] }> };
  return Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => (step.run ? [step.run] : [])));
}

/** Runs the steps as GitHub's runner does (bash -e, the repository as working folder), stopping at the first failure. */
async function night(summary: string): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
  let last = { exitCode: 0 as number | undefined, stdout: '', stderr: '' };
  for (const step of await runSteps()) {
    const r = await execa(process.execPath, [BIN, 'testbed', 'exec', '--', 'bash', '-e', '-o', 'pipefail', '-c', `cd ${JSON.stringify(repo)} && ${step}`], {
      reject: false, stdin: 'ignore', env: { PATH: `${bin}:${process.env.PATH ?? ''}`, GITHUB_STEP_SUMMARY: summary },
    });
    last = { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
    if (r.exitCode !== 0) break;
  }
  return last;
}

describe('nightly workflow on the virtual cluster', () => {
  it('runs two nights from the workflow YAML: summary, report, history and exit status; a failed bench adds nothing', async () => {
    const init = await hpcrun(['nightly', 'init', '--dir', repo, '--runner-label', 'hpc-testbed', '--hosts', INVENTORY, '--sizes', '8,1MiB', '--max-samples', '20', '--min-history', '2']);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(await runSteps()).toEqual(['hpcrun --version', 'hpcrun nightly run --config hpcrun-nightly.json']);
    const history = join(repo, 'results/history');

    for (const n of [1, 2]) {
      const summary = join(repo, `summary-${n}.md`);
      const r = await night(summary);
      expect(r.exitCode, r.stderr).toBe(0);
      const md = await readFile(summary, 'utf8');
      expect(md).toMatch(/^## hpcrun nightly\n\n✅ PASS: 4 metrics against /);
      expect(md).toMatch(n === 1 ? /against 0 baseline runs \(4 new\)/ : /against 1 baseline run \(4 warming up\)/);
      for (const label of ['latency 8 B', 'latency 1 MiB', 'bw 8 B', 'bw 1 MiB']) expect(md).toContain(`| ${label} |`);
      expect(r.stdout).toContain(md.trim().split('\n')[2]);
      expect((await readdir(history)).filter((f) => f.endsWith('.json'))).toHaveLength(n);
      const html = await readFile(join(repo, 'results/nightly/report.html'), 'utf8');
      expect(html).toMatch(/^<!DOCTYPE html>/);
      expect(html).toContain('PASS: no regression');
      expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
      expect(await readFile(join(repo, 'results/nightly/report-gate.xml'), 'utf8')).toMatch(/<testsuite name="hpcrun nightly" tests="4" failures="0"/);
    }

    // A night whose bench fails (an inventory host that does not exist): nothing reaches the history.
    const config = JSON.parse(await readFile(join(repo, 'hpcrun-nightly.json'), 'utf8')) as { inventory: string };
    await writeFile(join(repo, 'broken-hosts.txt'), 'hpcrun-n1\nno-such-node.invalid\n');
    await writeFile(join(repo, 'hpcrun-nightly.json'), JSON.stringify({ ...config, inventory: 'broken-hosts.txt' }));
    const summary = join(repo, 'summary-3.md');
    const failed = await night(summary);
    expect(failed.exitCode).not.toBe(0);
    expect(failed.exitCode).not.toBe(1);
    expect(failed.stderr).toMatch(/no-such-node\.invalid/);
    expect(await readFile(summary, 'utf8')).toMatch(/❌ FAIL: the benchmark failed, so nothing was gated and nothing was added to the history \(2 runs kept\)/);
    expect((await readdir(history)).filter((f) => f.endsWith('.json'))).toHaveLength(2);
  });
});
