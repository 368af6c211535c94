// A test double of Compute Engine, not Compute Engine: the JSON shapes of the
// REST reference (compute/docs/reference/rest/v1) that hpcrun's calls touch,
// and Google's error body ({"error": {code, message, errors: [{reason}]}}).

import { generateKeyPairSync, randomBytes } from 'node:crypto';

export const BASE = 'https://www.googleapis.com/compute/v1';

export interface GoogleErrorBody {
  error: { code: number; message: string; errors: { message: string; domain: string; reason: string }[]; status?: string };
}

export function googleError(code: number, reason: string, message: string): GoogleErrorBody {
  const status: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 409: 'ALREADY_EXISTS', 429: 'RESOURCE_EXHAUSTED', 503: 'UNAVAILABLE' };
  return { error: { code, message, errors: [{ message, domain: 'global', reason }], ...(status[code] ? { status: status[code] } : {}) } };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: GoogleErrorBody,
  ) {
    super(body.error.message);
  }
}

export const badRequest = (message: string, reason = 'invalid'): HttpError => new HttpError(400, googleError(400, reason, message));
export const notFound = (what: string): HttpError => new HttpError(404, googleError(404, 'notFound', `The resource '${what}' was not found`));

export const regionOfZone = (zone: string): string => zone.replace(/-[a-z]$/, '');

/** An SSH host key as sshd would present it: type, and the base64 public key blob. */
export interface DoubleHostKey {
  type: string;
  key: string;
}

function sshString(data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}

/** A fresh ed25519 host key, as a guest environment would publish it. */
export function newHostKey(): DoubleHostKey {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  return { type: 'ssh-ed25519', key: Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]).toString('base64') };
}

export const operationName = (): string => `operation-${Date.now()}-${randomBytes(6).toString('hex')}-${randomBytes(4).toString('hex')}`;

/** Names as Compute Engine accepts them (RFC 1035, at most 63 characters). */
export const RESOURCE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '-00:00');
}
