// Rendering: Plan -> the files of a plan directory, and text for the terminal.

import { PLAN_FILES, toPlanFile, type PlanFile } from '../plan/plan-file.js';
import type { Plan } from '../plan/types.js';
import { renderHostfile, renderMachinefile, renderRankfileBytes, renderSlurmHostfileBytes } from '../launchers/files.js';
import { launchArgv, launchEnv, renderLaunchScript } from './launch.js';

export { renderHostfile, renderMachinefile, renderRankfile, renderRankfileBytes, renderSlurmHostfile, renderSlurmHostfileBytes } from '../launchers/files.js';
export { launchArgv, launchEnv, renderLaunchScript, PLAN_DIR } from './launch.js';
export { renderSummary, renderRecommendations } from './summary.js';

export interface RenderedFile {
  name: string;
  content: string | Uint8Array;
  /** File mode: 0o755 for launch.sh. */
  mode: number;
}

export function planFile(plan: Plan): PlanFile {
  return toPlanFile(plan, launchArgv(plan), launchEnv(plan));
}

/** plan.json text; rankToNode goes last as one joined array (fast for 10^6 ranks). */
export function renderPlanJson(plan: Plan, options: { ranks: boolean } = { ranks: true }): string {
  const head = JSON.stringify(planFile(plan), (_key, value: unknown) => (value === undefined ? null : value), 2);
  if (!options.ranks) return `${head}\n`;
  return `${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n  "rankToNode": [${plan.rankToNode.join(',')}]\n}\n`;
}

export function renderPlanFiles(plan: Plan): RenderedFile[] {
  return [
    { name: PLAN_FILES.hostfile, content: renderHostfile(plan), mode: 0o644 },
    { name: PLAN_FILES.rankfile, content: renderRankfileBytes(plan), mode: 0o644 },
    { name: PLAN_FILES.machinefile, content: renderMachinefile(plan), mode: 0o644 },
    { name: PLAN_FILES.slurmHostfile, content: renderSlurmHostfileBytes(plan), mode: 0o644 },
    { name: PLAN_FILES.launch, content: renderLaunchScript(plan), mode: 0o755 },
    { name: PLAN_FILES.plan, content: renderPlanJson(plan), mode: 0o644 },
  ];
}
