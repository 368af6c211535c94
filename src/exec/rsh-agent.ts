#!/usr/bin/env node
// Open MPI's remote-shell agent when hpcrun launches (plm_rsh_agent): instead
// of a new OpenSSH connection per node, it asks the hpcrun process that
// started mpirun to run the daemon's command on the connection its preflight
// already opened and verified. Called as `rsh-agent [ssh options] HOST WORD...`;
// the words are joined with spaces as ssh does. It relays stdin, stdout,
// stderr and the exit status. Only node:net (and frames.ts) is loaded, to start fast.
//
// Frames from hpcrun: frames.ts.

import { connect } from 'node:net';
import { frameReader } from './frames.js';

const OPTIONS_WITH_VALUE = new Set(['-i', '-o', '-l', '-p', '-F', '-J', '-E']);

function parse(args: readonly string[]): { host: string; command: string } | undefined {
  let i = 0;
  while (i < args.length && (args[i] as string).startsWith('-')) i += OPTIONS_WITH_VALUE.has(args[i] as string) ? 2 : 1;
  const host = args[i];
  if (host === undefined || i + 1 >= args.length) return undefined;
  return { host, command: args.slice(i + 1).join(' ') };
}

const target = parse(process.argv.slice(2));
const socketPath = process.env.HPCRUN_RSH_SOCKET;
if (!target || !socketPath) {
  process.stderr.write('hpcrun rsh-agent: usage: rsh-agent [ssh options] HOST COMMAND... (with HPCRUN_RSH_SOCKET set by hpcrun)\n');
  process.exit(255);
}

const socket = connect({ path: socketPath, allowHalfOpen: true });
socket.on('connect', () => {
  socket.write(`${JSON.stringify(target)}\n`);
  process.stdin.pipe(socket, { end: true });
});
let status = 255;
socket.on(
  'data',
  frameReader((type, payload) => {
    if (type === 1) process.stdout.write(payload);
    else if (type === 2) process.stderr.write(payload);
    else if (type === 3) status = Number(payload.toString()) || 0;
  }),
);
socket.on('error', (error) => {
  process.stderr.write(`hpcrun rsh-agent: ${error.message}\n`);
  process.exit(255);
});
socket.on('close', () => process.exit(status));
