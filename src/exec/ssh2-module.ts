// ssh2 takes about 90 ms to load on a 2-core machine (it probes its ciphers
// and keys at load time). It is loaded on first use, so that `hpcrun launch`
// can start mpirun first and load ssh2 while mpirun starts up.

type Ssh2 = typeof import('ssh2');

let loading: Promise<Ssh2> | undefined;

export function loadSsh2(): Promise<Ssh2> {
  loading ??= import('ssh2').then((module) => ((module as { default?: Ssh2 }).default ?? module) as Ssh2);
  return loading;
}
