import type { Command } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
export function register(program: Command, deps: Deps, status: ExitStatus): void { void program; void deps; void status; }
