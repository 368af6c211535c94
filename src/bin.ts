#!/usr/bin/env node
// The one exit point: run the CLI with the real process as its seams and set
// the exit status. Nothing else in hpcrun ends the process.
import { main } from './cli.js';
import { processDeps } from './deps.js';

// A reader that stops early (`hpcrun plan --help | head`) closes the pipe:
// that is not an error, so end quietly as other Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(processDeps());
