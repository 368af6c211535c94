// The frames of the remote-shell agent protocol, spoken between Open MPI's
// agent (rsh-agent.ts, and the C one in mpi-templates/rsh-agent), the rsh
// server that runs its commands (providers/ssh/rsh-server.ts), and a launch's
// kept logins (providers/ssh/persist.ts): a type byte (1 stdout, 2 stderr,
// 3 exit status as text), a 32-bit big-endian length, the payload. Only
// built-ins, so that the agent stays quick to start.

/** One frame. */
export function frame(type: number, payload: Buffer | string): Buffer {
  const body = Buffer.from(payload);
  const head = Buffer.alloc(5);
  head[0] = type;
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** A reader for a byte stream of frames: feed it every chunk; it calls onFrame once per whole frame, in order. */
export function frameReader(onFrame: (type: number, payload: Buffer) => void): (chunk: Buffer) => void {
  let buffered = Buffer.alloc(0);
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 5) {
      const length = buffered.readUInt32BE(1);
      if (buffered.length < 5 + length) return;
      const type = buffered[0] as number;
      const payload = buffered.subarray(5, 5 + length);
      buffered = buffered.subarray(5 + length);
      onFrame(type, payload);
    }
  };
}
