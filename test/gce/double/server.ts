// A local double of the Compute Engine REST API: it is not Compute Engine.
// It serves exactly the calls hpcrun makes, as the public REST reference
// describes them (resourcePolicies insert/get/delete, instances
// bulkInsert/list/get/delete/getGuestAttributes, zone and region operations
// get/wait), on 127.0.0.1, behind a bearer token. It checks what the real API
// would refuse (unknown fields in v1, compact placement without TERMINATE,
// Tier_1 without gVNIC, policies over their vmCount, policies in use), keeps
// a log of every request, and answers 429/503 or fails operations on demand.

import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleInstances } from './instances.js';
import { handlePolicies } from './policies.js';
import { type DoubleTiming, DoubleState, type OperationFault } from './state.js';
import { type DoubleHostKey, HttpError, googleError, notFound } from './wire.js';

export interface LoggedRequest {
  method: string;
  /** Path and query as on the wire. */
  path: string;
  body: unknown;
}

export interface HttpFault {
  method?: string;
  path?: RegExp;
  status: 429 | 500 | 502 | 503 | 504 | 403 | 400;
  /** How many matching requests get the fault; default every one. */
  times?: number;
  reason?: string;
}

export interface DoubleOptions {
  token?: string;
  timing?: Partial<DoubleTiming>;
  /** operations.wait returns after this long if not DONE (the real API: about 2 minutes). */
  waitCapMs?: number;
  pageSize?: number;
  address?: (name: string, index: number) => string;
  hostKeys?: (name: string, ip: string) => DoubleHostKey[];
}

export interface Route {
  method: string;
  version: 'v1' | 'beta';
  project: string;
  parts: string[];
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
}

export class ComputeDouble {
  readonly state: DoubleState;
  readonly log: LoggedRequest[] = [];
  readonly httpFaults: HttpFault[] = [];
  private server: Server | undefined;
  private ticker: NodeJS.Timeout | undefined;
  readonly token: string;
  private readonly waitCapMs: number;
  readonly pageSize: number;

  constructor(options: DoubleOptions = {}) {
    this.token = options.token ?? 'test-token-0123456789';
    this.waitCapMs = options.waitCapMs ?? 120;
    this.pageSize = options.pageSize ?? 500;
    this.state = new DoubleState({ pendingMs: 20, runningMs: 60, guestDelayMs: 40, ...options.timing }, options.address, options.hostKeys, '127.0.0.1');
  }

  /** Starts listening on 127.0.0.1; returns the value for CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.ticker = setInterval(() => this.state.tick(), 5);
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/compute/v1/`;
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  failOperation(fault: OperationFault): void {
    this.state.faults.push(fault);
  }

  failHttp(fault: HttpFault): void {
    this.httpFaults.push(fault);
  }

  counts(): { instances: number; policies: number } {
    return { instances: this.state.instances.size, policies: this.state.policies.size };
  }

  requests(method: string, path: RegExp): LoggedRequest[] {
    return this.log.filter((entry) => entry.method === method && path.test(entry.path));
  }

  async until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('the double never reached the expected state');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    const url = new URL(req.url ?? '/', 'http://double');
    const path = `${url.pathname}${url.search}`.replace(/\?$/, '');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      return this.send(res, 400, googleError(400, 'parseError', 'Invalid JSON payload received.'));
    }
    this.log.push({ method: req.method ?? 'GET', path, body });
    this.state.tick();
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return this.send(res, 401, googleError(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.'));
    }
    const fault = this.httpFaults.find((f) => (f.method === undefined || f.method === req.method) && (f.path === undefined || f.path.test(path)) && (f.times === undefined || f.times > 0));
    if (fault) {
      if (fault.times !== undefined) fault.times -= 1;
      const reason = fault.reason ?? (fault.status === 429 ? 'rateLimitExceeded' : fault.status === 403 ? 'forbidden' : 'backendError');
      return this.send(res, fault.status, googleError(fault.status, reason, fault.status === 429 ? 'Rate Limit Exceeded' : 'The service is currently unavailable.'));
    }
    const match = /^\/compute\/(v1|beta)\/projects\/([^/]+)\/(.*)$/.exec(url.pathname);
    try {
      if (!match) throw notFound(url.pathname);
      const route: Route = { method: req.method ?? 'GET', version: match[1] as 'v1' | 'beta', project: match[2] as string, parts: (match[3] as string).split('/'), query: url.searchParams, body: body as Record<string, unknown> | undefined };
      const answer = (await this.operations(route)) ?? handlePolicies(this.state, route) ?? handleInstances(this, route);
      if (answer === undefined) throw notFound(url.pathname);
      this.send(res, 200, answer);
    } catch (error) {
      if (error instanceof HttpError) return this.send(res, error.status, error.body);
      this.send(res, 500, googleError(500, 'backendError', String(error)));
    }
  }

  /** zoneOperations / regionOperations get and wait. */
  private async operations(route: Route): Promise<unknown> {
    const [scope, location, kind, name, verb] = route.parts;
    if ((scope !== 'zones' && scope !== 'regions') || kind !== 'operations' || !location || !name) return undefined;
    const op = this.state.operations.get(name);
    if (!op || op.location !== location || op.project !== route.project) throw notFound(`projects/${route.project}/${scope}/${location}/operations/${name}`);
    if (route.method === 'POST' && verb === 'wait') {
      const deadline = Date.now() + this.waitCapMs;
      while (op.status !== 'DONE' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        this.state.tick();
      }
    } else if (route.method !== 'GET' || verb !== undefined) {
      return undefined;
    }
    return this.state.operationJson(op);
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
  }
}
