#!/usr/bin/env node
// The one exit point: run the CLI with the real process as its seams and set
// the exit status. Nothing else in hpcrun ends the process.
import { main } from './cli.js';
import { processDeps } from './deps.js';

process.exitCode = await main(processDeps());
