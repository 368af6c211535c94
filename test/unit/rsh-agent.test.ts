// mpirun's remote-shell agents, the C one (mpi-templates/rsh-agent, built by
// src/exec/native-agent.ts) and the Node.js fallback (src/exec/rsh-agent.ts),
// run for real against a UNIX socket that speaks hpcrun's side of the
// protocol: the request line, stdin relayed with a half-close, framed output
// in pieces, and the exit status.

import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeAgent } from '../../src/exec/native-agent.js';
import { frame } from '../../src/exec/frames.js';

const NODE_AGENT = fileURLToPath(new URL('../../dist/exec/rsh-agent.js', import.meta.url));

let dir: string;
let socketPath: string;
let server: Server;
let cache: string;
const requests: { host: string; command: string; stdin: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hpcrun-agent-'));
  cache = join(dir, 'cache');
  socketPath = join(dir, 'socket');
  // hpcrun's side: answers with what it was sent, in 1-byte pieces, then status 7.
  server = createServer({ allowHalfOpen: true }, (socket) => {
    let data = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (data = Buffer.concat([data, chunk])));
    socket.on('end', async () => {
      const newline = data.indexOf(0x0a);
      const request = JSON.parse(data.subarray(0, newline).toString('utf8')) as { host: string; command: string };
      const stdin = data.subarray(newline + 1).toString('utf8');
      requests.push({ ...request, stdin });
      const reply = Buffer.concat([frame(1, `out:${request.command}`), frame(2, `err:${stdin}`), frame(1, Buffer.alloc(70_000, 0x61)), frame(3, '7')]);
      for (const byte of reply.subarray(0, 64)) {
        socket.write(Buffer.from([byte]));
        await new Promise((resolve) => setImmediate(resolve));
      }
      socket.end(reply.subarray(64));
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

const agents: [string, () => Promise<string[]>][] = [
  ['the C agent', async () => [(await nativeAgent({ ...process.env, HPCRUN_CACHE_DIR: cache })) as string]],
  ['the Node.js agent', async () => [process.execPath, NODE_AGENT]],
];

describe.each(agents)('%s', (_name, agent) => {
  it('sends host and command, relays stdin and the framed output, and exits with the status', async () => {
    const argv = await agent();
    expect(argv[0]).toBeTruthy();
    requests.length = 0;
    // As Open MPI calls ssh: options (some with values), the host, then the command's words.
    const command = ['orted', '-mca', 'ess', '"env"', 'pfad=/tmp/ümlaut', 'tab\there', 'back\\slash'];
    const result = await execa(argv[0] as string, [...argv.slice(1), '-x', '-o', 'BatchMode=yes', '-p', '22', 'hpcrun-n2', ...command], {
      env: { HPCRUN_RSH_SOCKET: socketPath },
      input: 'stdin for the daemon\n',
      reject: false,
      encoding: 'utf8',
      stripFinalNewline: false,
    });
    expect(result.exitCode, result.stderr).toBe(7);
    expect(requests).toEqual([{ host: 'hpcrun-n2', command: command.join(' '), stdin: 'stdin for the daemon\n' }]);
    expect(result.stdout).toBe(`out:${command.join(' ')}${'a'.repeat(70_000)}`);
    expect(result.stderr).toBe('err:stdin for the daemon\n');
  });

  it('exits 255 with a message, as ssh does, when hpcrun is not there', async () => {
    const argv = await agent();
    const result = await execa(argv[0] as string, [...argv.slice(1), 'hpcrun-n2', 'true'], { env: { HPCRUN_RSH_SOCKET: join(dir, 'nothing') }, reject: false });
    expect(result.exitCode).toBe(255);
    expect(result.stderr).toMatch(/hpcrun rsh-agent: /);
  });
});

describe('the C agent build', () => {
  it('is cached by its source: a second call in a new process finds the same binary', async () => {
    const first = await nativeAgent({ ...process.env, HPCRUN_CACHE_DIR: cache });
    expect(first).toMatch(/hpcrun-rsh-agent-[0-9a-f]{16}$/);
    const again = await execa(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(new URL('../../dist/exec/native-agent.js', import.meta.url).href)}); console.log(await m.nativeAgent({ ...process.env, HPCRUN_CACHE_DIR: ${JSON.stringify(cache)} }))`]);
    expect(again.stdout.trim()).toBe(first);
  });
});
