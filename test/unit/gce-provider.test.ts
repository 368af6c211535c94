import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpointFrom } from '../../src/providers/gce/auth.js';
import { readJournal, summarise } from '../../src/providers/gce/journal.js';
import { operationError } from '../../src/providers/gce/operations.js';
import { apiError, httpFailure, scrub, withRetry } from '../../src/providers/gce/retry.js';
import { DEFAULT_TIMING, timingFrom } from '../../src/providers/gce/timing.js';
import { caught } from '../helpers/cli.js';

/** What google-gax throws for an HTTP error in REST mode: the body JSON as the message, the status as code. */
const gaxError = (status: number, reason: string, message = 'm') => Object.assign(new Error(JSON.stringify({ error: { code: status, message, errors: [{ reason, message }] } })), { code: status, status });

describe('Compute Engine errors', () => {
  it('reads the status and reason of an HTTP error', () => {
    expect(httpFailure(gaxError(403, 'forbidden', "Required 'compute.instances.create' permission"))).toEqual({ status: 403, reason: 'forbidden', message: "Required 'compute.instances.create' permission" });
    expect(httpFailure(new Error('socket hang up'))).toBeUndefined();
  });

  it.each([
    [401, 'authError', 'HPCRUN_GCP_UNAUTHENTICATED', 69],
    [403, 'forbidden', 'HPCRUN_GCE_PERMISSION_DENIED', 75],
    [404, 'notFound', 'HPCRUN_GCE_NOT_FOUND', 75],
    [409, 'alreadyExists', 'HPCRUN_GCE_ALREADY_EXISTS', 75],
    [400, 'invalid', 'HPCRUN_GCE_BAD_REQUEST', 75],
  ])('HTTP %i %s is %s (exit %i)', (status, reason, code, exit) => {
    const error = apiError('doing x', gaxError(status, reason));
    expect([error.code, error.exitCode]).toEqual([code, exit]);
  });

  it('names the operation error code', () => {
    const op = (code: string) => ({ name: 'op', status: 'DONE', errors: [{ code, message: 'detail' }], httpErrorStatusCode: 403 });
    expect(operationError(op('QUOTA_EXCEEDED'), 'creating x').code).toBe('HPCRUN_GCE_QUOTA_EXCEEDED');
    expect(operationError(op('ZONE_RESOURCE_POOL_EXHAUSTED'), 'creating x').code).toBe('HPCRUN_GCE_STOCKOUT');
    const other = operationError(op('RESOURCE_NOT_READY'), 'creating x');
    expect([other.code, other.exitCode, other.message]).toEqual(['HPCRUN_GCE_OPERATION_FAILED', 75, 'creating x failed: RESOURCE_NOT_READY: detail']);
  });

  it('scrubs secrets from messages', () => {
    expect(scrub('Bearer ya29.secret-token-value in text', ['ya29.secret-token-value'])).toBe('Bearer [redacted] in text');
  });
});

describe('retries', () => {
  const timing = { ...DEFAULT_TIMING, retryBudgetMs: 200, backoffBaseMs: 1, backoffMaxMs: 4 };

  it('retries 429 and 503 until the call succeeds', async () => {
    let calls = 0;
    const result = await withRetry('x', async () => {
      calls += 1;
      if (calls < 3) throw gaxError(calls === 1 ? 429 : 503, 'backendError');
      return 'ok';
    }, { timing });
    expect([result, calls]).toEqual(['ok', 3]);
  });

  it('does not retry a 400', async () => {
    let calls = 0;
    await expect(withRetry('x', async () => {
      calls += 1;
      throw gaxError(400, 'invalid');
    }, { timing })).rejects.toMatchObject({ code: 'HPCRUN_GCE_BAD_REQUEST' });
    expect(calls).toBe(1);
  });

  it('gives up within the budget, with jittered delays below the ceiling', async () => {
    const delays: string[] = [];
    const started = Date.now();
    await expect(withRetry('x', async () => {
      throw gaxError(503, 'backendError');
    }, { timing, onRetry: (line) => delays.push(line) })).rejects.toMatchObject({ code: 'HPCRUN_GCE_UNAVAILABLE', exitCode: 75 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(delays.length).toBeGreaterThan(3);
  });
});

describe('settings from the environment', () => {
  it.each([
    ['http://127.0.0.1:8089/compute/v1/', { apiEndpoint: '127.0.0.1', port: 8089, protocol: 'http' }],
    ['https://compute.example.com/', { apiEndpoint: 'compute.example.com', port: 443, protocol: 'https' }],
  ])('endpoint override %s', (value, endpoint) => expect(endpointFrom({ CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: value })).toEqual(endpoint));

  it('refuses an endpoint that is not one', () => {
    expect(caught(() => endpointFrom({ CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: 'http://x/storage/v1/' })).code).toBe('HPCRUN_GCE_BAD_ENDPOINT');
    expect(endpointFrom({})).toBeUndefined();
  });

  it('reads HPCRUN_GCE_TIMING', () => {
    expect(timingFrom({ HPCRUN_GCE_TIMING: 'retryBudget=2s,hostKeyPoll=10ms' })).toMatchObject({ retryBudgetMs: 2000, hostKeyPollMs: 10, backoffBaseMs: DEFAULT_TIMING.backoffBaseMs });
    expect(caught(() => timingFrom({ HPCRUN_GCE_TIMING: 'retryBudget=soon' })).code).toBe('HPCRUN_GCE_BAD_TIMING');
  });
});

describe('the journal', () => {
  it('lists what up meant to create, the operations, and ignores a line torn by a crash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hpcrun-journal-'));
    const at = '2026-01-15T09:30:00.000Z';
    const lines = [
      { event: 'begin', at, project: 'p', zone: 'us-central1-a', region: 'us-central1', name: 'c', policies: ['c-compact'], instances: ['c-0001', 'c-0002'] },
      { event: 'create', at, kind: 'policy', names: ['c-compact'] },
      { event: 'operation', at, scope: 'region', location: 'us-central1', name: 'operation-1' },
      { event: 'create', at, kind: 'instances', names: ['c-0001', 'c-0002', 'c-0003'] },
    ];
    await writeFile(join(dir, 'journal.jsonl'), `${lines.map((line) => JSON.stringify(line)).join('\n')}\n{"event":"operat`);
    const summary = summarise(await readJournal(dir));
    expect(summary.policies).toEqual(['c-compact']);
    expect(summary.instances).toEqual(['c-0001', 'c-0002', 'c-0003']);
    expect(summary.operations).toEqual([{ scope: 'region', project: 'p', location: 'us-central1', name: 'operation-1' }]);
    expect(summary.last).toBeUndefined();
    await rm(dir, { recursive: true });
  });
});
