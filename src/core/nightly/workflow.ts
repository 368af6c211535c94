// The GitHub Actions workflow and the config file `hpcrun nightly init`
// writes. Pure: text in, text out. The workflow's `run:` steps are what a
// night does; test/integration/nightly.test.ts runs them from the YAML.

import { NIGHTLY_KIND, NIGHTLY_SCHEMA_VERSION, type NightlyConfigInput } from '../../schemas/index.js';

export const WORKFLOW_PATH = '.github/workflows/hpcrun-nightly.yml';
export const CONFIG_NAME = 'hpcrun-nightly.json';
export const DEFAULT_CRON = '17 3 * * *';

export interface WorkflowInput {
  /** Self-hosted runner label(s) besides `self-hosted`. */
  labels: readonly string[];
  cron: string;
  /** The shell command of the nightly step, already quoted: `hpcrun nightly run --config hpcrun-nightly.json`. */
  command: string;
  /** Folders the artifact keeps (history, report, the night's work folder), relative to the repository. */
  artifactPaths: readonly string[];
  version: string;
}

/** A YAML scalar in double quotes (JSON's string syntax is valid YAML). */
const q = (text: string): string => JSON.stringify(text);

/** Five fields, each of digits, `*`, ranges, lists and steps: what GitHub's schedule accepts. */
export function isCron(text: string): boolean {
  const field = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
  const parts = text.trim().split(/\s+/);
  return parts.length === 5 && parts.every((part) => field.test(part));
}

export function renderWorkflow(input: WorkflowInput): string {
  const runsOn = ['self-hosted', ...input.labels].map(q).join(', ');
  return `# Written by \`hpcrun nightly init\` (hpcrun ${input.version}).
# Every night, on a self-hosted runner that can reach the cluster: benchmark the
# network with hpcrun, gate the results against the history of earlier nights
# (exit 1 on a regression), append them to the history and write an HTML
# report with trend plots. The history and the report are kept as artifacts.
# The runner needs hpcrun on its PATH (npm install -g hpcrun) and the SSH keys
# the config names. Edit hpcrun-nightly.json to change what is measured.
name: hpcrun nightly

on:
  schedule:
    - cron: ${q(input.cron)}
  workflow_dispatch: {}

permissions:
  contents: read

concurrency:
  group: hpcrun-nightly
  cancel-in-progress: false

jobs:
  nightly:
    name: benchmark, gate, report
    runs-on: [${runsOn}]
    timeout-minutes: 120
    steps:
      - name: Check out the repository (clean false keeps the history folder between nights)
        uses: actions/checkout@v4
        with:
          clean: false
      - name: Show the hpcrun version
        run: hpcrun --version
      - name: Benchmark, gate against the history, append, report
        run: ${input.command}
      - name: Keep the history and the report
        if: \${{ always() }}
        uses: actions/upload-artifact@v4
        with:
          name: hpcrun-nightly-\${{ github.run_id }}
          path: |
${input.artifactPaths.map((p) => `            ${p}`).join('\n')}
          if-no-files-found: warn
          retention-days: 90
`;
}

export interface ConfigDefaults {
  inventory: string;
  kinds: NightlyConfigInput['kinds'];
  sizes: (number | string)[];
  pairs: 'first' | 'all';
  history: string;
  report: string;
  work: string;
  tolerance: number;
  minHistory: number;
  maxSamples: number | null;
}

/** The config file's text; the $schema line lets editors check it. */
export function renderConfig(d: ConfigDefaults): string {
  const config: NightlyConfigInput = {
    $schema: 'https://hpcrun.dev/benchmarks/nightly.schema.json',
    schemaVersion: NIGHTLY_SCHEMA_VERSION,
    kind: NIGHTLY_KIND,
    inventory: d.inventory,
    head: null,
    kinds: d.kinds,
    sizes: d.sizes,
    pairs: d.pairs,
    ppn: 1,
    targetCi: 0.05,
    maxSamples: d.maxSamples,
    history: d.history,
    report: d.report,
    work: d.work,
    tolerance: d.tolerance,
    minHistory: d.minHistory,
    window: 30,
    strictEnv: false,
    ssh: {},
    skipUnreachable: false,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
