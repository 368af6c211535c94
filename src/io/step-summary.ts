// GitHub Actions shows the Markdown appended to the file $GITHUB_STEP_SUMMARY
// names as the step's summary. Appending (not replacing) is the contract.

import { appendFile } from 'node:fs/promises';
import type { Deps } from '../deps.js';

/** Appends to the file GitHub Actions shows as the step's summary, when $GITHUB_STEP_SUMMARY names one. */
export async function appendStepSummary(markdown: string, deps: Deps): Promise<void> {
  const target = deps.env.GITHUB_STEP_SUMMARY;
  if (!target) return;
  try {
    await appendFile(target, `${markdown}\n`);
  } catch (error) {
    deps.stderr.write(`hpcrun: warning: cannot append to $GITHUB_STEP_SUMMARY (${target}): ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
  }
}
