// The seams every command receives. The bin entry fills them from the real
// process; tests pass their own. Library code never reads `process` directly
// for these.

export interface Writable {
  write(chunk: string | Uint8Array): boolean;
  isTTY?: boolean;
}

export interface Deps {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  stdout: Writable;
  stderr: Writable;
  cwd: string;
  now: () => Date;
  /** Registers a handler for SIGINT/SIGTERM; returns a function that removes it. */
  onSignal: (handler: (signal: NodeJS.Signals) => void) => () => void;
}

export function processDeps(): Deps {
  return {
    argv: process.argv,
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    now: () => new Date(),
    onSignal: (handler) => {
      const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
      for (const s of signals) process.on(s, handler);
      return () => {
        for (const s of signals) process.off(s, handler);
      };
    },
  };
}
