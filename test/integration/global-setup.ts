// Brings the virtual cluster (3 namespaces, each with a hostname and sshd) up
// before the integration tests and always tears it down afterwards.

import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { BIN } from './cluster.js';

async function testbed(...args: string[]): Promise<void> {
  const result = await execa(process.execPath, [BIN, 'testbed', ...args], { reject: false });
  if (result.exitCode !== 0) throw new Error(`hpcrun testbed ${args.join(' ')} failed (${result.exitCode}):\n${result.stderr}`);
}

export async function setup(): Promise<() => Promise<void>> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
  await testbed('up', '--nodes', '3');
  return async () => {
    await testbed('down');
  };
}
