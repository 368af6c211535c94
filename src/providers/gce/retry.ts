// Calls to Compute Engine fail in two ways: an HTTP error answer (read here
// from what google-gax throws), or an operation that ends with `error` (see
// operations.ts). 429 and 5xx answers, and dropped connections, are retried
// with exponential backoff and full jitter, within a bounded time; anything
// else becomes a typed error naming Compute Engine's reason. Mutating calls
// carry a requestId, so a retry never creates twice.

import { HpcrunError } from '../../errors.js';
import { type GceTiming, sleep } from './timing.js';

export interface HttpFailure {
  status: number;
  /** Compute Engine's reason (notFound, alreadyExists, quotaExceeded, rateLimitExceeded, ...). */
  reason: string | undefined;
  message: string;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRY_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/** The HTTP status and Google error body of a failed call, if it was one. */
export function httpFailure(error: unknown): HttpFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { status?: unknown; code?: unknown; message?: unknown; response?: { status?: unknown; data?: unknown } };
  const status = typeof e.status === 'number' ? e.status : typeof e.response?.status === 'number' ? e.response.status : typeof e.code === 'number' && e.code >= 400 ? e.code : undefined;
  if (status === undefined) return undefined;
  let body: unknown = e.response?.data;
  if (typeof body !== 'object' && typeof e.message === 'string') {
    try {
      body = JSON.parse(e.message);
    } catch {
      body = undefined;
    }
  }
  const googleError = (body as { error?: { message?: unknown; errors?: { reason?: unknown; message?: unknown }[] } } | undefined)?.error;
  const first = googleError?.errors?.[0];
  const message = typeof googleError?.message === 'string' ? googleError.message : typeof first?.message === 'string' ? first.message : `HTTP ${status}`;
  return { status, reason: typeof first?.reason === 'string' ? first.reason : undefined, message };
}

function networkCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code ?? (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' && RETRY_NETWORK.has(code) ? code : undefined;
}

/** Removes secrets from a message before it is shown. */
export function scrub(text: string, secrets: readonly string[]): string {
  return secrets.filter((secret) => secret.length >= 8).reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

/** The typed error for a call that failed for good. `what` says what hpcrun was doing. */
export function apiError(what: string, error: unknown, secrets: readonly string[] = []): HpcrunError {
  if (error instanceof HpcrunError) return error;
  const failure = httpFailure(error);
  if (!failure) {
    const text = scrub(error instanceof Error ? error.message : String(error), secrets);
    if (/invalid_grant|invalid_rapt|reauth/i.test(text)) {
      return new HpcrunError('environment', 'HPCRUN_GCP_UNAUTHENTICATED', `${what}: the Application Default Credentials could not be refreshed (${text.split('\n')[0]})`, {
        hint: 'log in again with `gcloud auth application-default login`',
      });
    }
    return new HpcrunError('cloud', 'HPCRUN_GCE_UNREACHABLE', `${what}: cannot reach Compute Engine: ${text.split('\n')[0]}`, { hint: 'check the network, and CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE if set' });
  }
  const said = `${what}: Compute Engine answered ${failure.status}${failure.reason ? ` ${failure.reason}` : ''}: ${scrub(failure.message, secrets)}`;
  if (failure.status === 401) {
    return new HpcrunError('environment', 'HPCRUN_GCP_UNAUTHENTICATED', said, { hint: 'the credentials were refused: log in again with `gcloud auth application-default login`, or renew GOOGLE_OAUTH_ACCESS_TOKEN' });
  }
  if (failure.status === 403) {
    return new HpcrunError('cloud', 'HPCRUN_GCE_PERMISSION_DENIED', said, { hint: 'grant the missing compute.* permission (README: Google Cloud, IAM permissions), or check that the Compute Engine API is enabled in the project' });
  }
  if (failure.status === 429 || failure.status >= 500) {
    return new HpcrunError('cloud', 'HPCRUN_GCE_UNAVAILABLE', said, { hint: 'Compute Engine is overloaded or rate-limiting this project: try again in a few minutes' });
  }
  return new HpcrunError('cloud', failure.status === 404 ? 'HPCRUN_GCE_NOT_FOUND' : failure.status === 409 ? 'HPCRUN_GCE_ALREADY_EXISTS' : 'HPCRUN_GCE_BAD_REQUEST', said);
}

export interface RetryContext {
  timing: GceTiming;
  signal?: AbortSignal | undefined;
  secrets?: readonly string[];
  /** Told of each retry, for a status line. */
  onRetry?: ((message: string) => void) | undefined;
  random?: () => number;
}

/** Runs `call`, retrying 429/5xx answers and dropped connections with backoff and full jitter until the budget is spent. */
export async function withRetry<T>(what: string, call: () => Promise<T>, context: RetryContext): Promise<T> {
  const { timing, signal } = context;
  const random = context.random ?? Math.random;
  const started = Date.now();
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const failure = httpFailure(error);
      const transient = failure ? RETRY_STATUS.has(failure.status) : networkCode(error) !== undefined;
      if (!transient) throw apiError(what, error, context.secrets);
      const ceiling = Math.min(timing.backoffMaxMs, timing.backoffBaseMs * 2 ** attempt);
      const delay = Math.round(random() * ceiling);
      const spent = Date.now() - started;
      if (signal?.aborted || spent + delay > timing.retryBudgetMs) {
        const last = apiError(what, error, context.secrets);
        throw new HpcrunError('cloud', 'HPCRUN_GCE_UNAVAILABLE', `${last.message} (gave up after ${attempt + 1} attempts in ${(spent / 1000).toFixed(1)} s)`, {
          hint: 'Compute Engine kept answering 429/5xx: try again in a few minutes (status.cloud.google.com)',
        });
      }
      context.onRetry?.(`${what}: ${failure ? `HTTP ${failure.status}` : networkCode(error)}; retrying in ${(delay / 1000).toFixed(1)} s`);
      await sleep(delay, signal);
    }
  }
}
