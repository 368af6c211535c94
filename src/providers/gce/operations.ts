// Waiting on Compute Engine operations. operations.wait returns when the
// operation is DONE or after about 2 minutes, whichever comes first, so
// hpcrun calls it in a loop, within a bounded time. A DONE operation may
// carry `error.errors[]`: the first code (QUOTA_EXCEEDED,
// ZONE_RESOURCE_POOL_EXHAUSTED, ...) is named in the typed error. Such an
// error is never retried: `up` cleans up once and stops, so an exhausted
// quota cannot turn into a create/delete loop.

import { HpcrunError } from '../../errors.js';
import type { ComputeApi, Operation, OperationRef } from './api.js';
import type { GceTiming } from './timing.js';

const STOCKOUT = new Set(['ZONE_RESOURCE_POOL_EXHAUSTED', 'ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS', 'RESOURCE_POOL_EXHAUSTED']);
const QUOTA = new Set(['QUOTA_EXCEEDED', 'REGION_QUOTA_EXCEEDED']);

/** The typed error for an operation that ended with errors. */
export function operationError(op: Operation, what: string): HpcrunError {
  const first = op.errors[0] ?? { code: 'UNKNOWN', message: 'no detail' };
  const more = op.errors.length > 1 ? ` (and ${op.errors.length - 1} more: ${op.errors.slice(1).map((e) => e.code).join(', ')})` : '';
  const message = `${what} failed: ${first.code}: ${first.message}${more}`;
  if (QUOTA.has(first.code)) {
    return new HpcrunError('cloud', 'HPCRUN_GCE_QUOTA_EXCEEDED', message, { hint: 'nothing was retried: ask for more quota (IAM & Admin > Quotas), or use fewer or smaller VMs' });
  }
  if (STOCKOUT.has(first.code)) {
    return new HpcrunError('cloud', 'HPCRUN_GCE_STOCKOUT', message, { hint: 'the zone has no capacity for this machine type now: try another zone, a smaller --nodes, or later' });
  }
  return new HpcrunError('cloud', 'HPCRUN_GCE_OPERATION_FAILED', message);
}

export interface WaitOptions {
  timing: GceTiming;
  signal?: AbortSignal | undefined;
}

/** Waits until the operation is DONE; returns it, errors included (the caller decides). */
export async function waitDone(api: ComputeApi, ref: OperationRef, what: string, options: WaitOptions): Promise<Operation> {
  const deadline = Date.now() + options.timing.operationTimeoutMs;
  for (;;) {
    if (options.signal?.aborted) throw interrupted(options.signal);
    const op = await raceAbort(api.waitOnce(ref), options.signal);
    if (op.status === 'DONE') return op;
    if (Date.now() >= deadline) {
      throw new HpcrunError('cloud', 'HPCRUN_GCE_OPERATION_TIMEOUT', `${what}: the operation ${ref.name} was still ${op.status} after ${Math.round(options.timing.operationTimeoutMs / 1000)} s`, {
        hint: 'Compute Engine is slow to act: check the operation in the console, then run `hpcrun cluster down NAME`',
      });
    }
  }
}

/** Waits until DONE and throws the operation's error, if it has one. */
export async function awaitOperation(api: ComputeApi, ref: OperationRef, what: string, options: WaitOptions): Promise<void> {
  const op = await waitDone(api, ref, what, options);
  if (op.errors.length > 0) throw operationError(op, what);
}

export function interrupted(signal: AbortSignal): HpcrunError {
  const reason = String(signal.reason ?? 'SIGINT');
  return new HpcrunError('interrupted', 'HPCRUN_INTERRUPTED', `interrupted by ${reason}`, { exitCode: reason === 'SIGTERM' ? 143 : 130 });
}

/** Settles with the promise, or rejects as soon as the signal aborts (the call itself runs on). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(interrupted(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(interrupted(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
