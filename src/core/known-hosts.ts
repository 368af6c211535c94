// OpenSSH known_hosts matching. Pure (hashing only).
//
// Supports plain and hashed (|1|salt|hash) host fields, comma lists,
// `[host]:port` for ports other than 22, * and ? wildcards, ! negation, and
// the @revoked marker. @cert-authority lines are skipped: hpcrun does not
// verify host certificates.

import { createHash, createHmac } from 'node:crypto';

export interface KnownHostEntry {
  marker: 'revoked' | 'cert-authority' | undefined;
  patterns: string[];
  keyType: string;
  key: string;
}

export type HostKeyVerdict = 'match' | 'mismatch' | 'revoked' | 'unknown';

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields[0] === '@revoked' ? 'revoked' : 'cert-authority';
      fields.shift();
    }
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) continue; // OpenSSH skips malformed lines too
    entries.push({ marker, patterns: hosts.split(','), keyType, key });
  }
  return entries;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function lookupName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, name: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return regex.test(name);
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  return globMatch(pattern, name);
}

function entryMatches(entry: KnownHostEntry, names: readonly string[]): boolean {
  let positive = false;
  for (const pattern of entry.patterns) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    if (names.some((name) => patternMatches(body, name))) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

/**
 * Decides whether a presented host key is trusted. `names` are the names the
 * host was reached by (its name and, when known, its address), already in
 * lookup form. `keyType`/`key` are the presented key's type and base64 blob.
 */
export function verifyHostKey(entries: readonly KnownHostEntry[], names: readonly string[], keyType: string, key: string): HostKeyVerdict {
  const relevant = entries.filter((entry) => entry.marker !== 'cert-authority' && entryMatches(entry, names));
  if (relevant.some((entry) => entry.marker === 'revoked' && entry.key === key)) return 'revoked';
  if (relevant.some((entry) => entry.marker === undefined && entry.keyType === keyType && entry.key === key)) return 'match';
  if (relevant.some((entry) => entry.marker === undefined)) return 'mismatch';
  // A revoked marker for another key does not make the host known.
  return 'unknown';
}

/** Key types recorded for a host, so the client can ask for those first. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], names: readonly string[]): string[] {
  return [...new Set(entries.filter((entry) => entry.marker === undefined && entryMatches(entry, names)).map((entry) => entry.keyType))];
}

/** The SHA256 fingerprint OpenSSH prints, from a base64 key blob. */
export function fingerprint(keyBase64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

/** Reads the key type out of an SSH public key blob (string length + name). */
export function keyTypeOf(blob: Buffer): string {
  // The blob comes from the server: a short or malformed one must not crash us.
  if (blob.length < 4) return 'invalid';
  const length = blob.readUInt32BE(0);
  if (length > blob.length - 4 || length > 64) return 'invalid';
  return blob.subarray(4, 4 + length).toString('ascii');
}
