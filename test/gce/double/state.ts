// The resources of the Compute Engine test double (a double, not Compute
// Engine): placement policies, VMs, and operations that move PENDING ->
// RUNNING -> DONE over time and change the resources as they go. A bulkInsert
// creates its VMs while RUNNING and, if it ends in an error, deletes them
// again (minCount semantics). Operation errors are injected here.

import { BASE, type DoubleHostKey, newHostKey, operationName, regionOfZone, rfc3339 } from './wire.js';

export interface DoubleTiming {
  pendingMs: number;
  runningMs: number;
  /** After a VM is RUNNING, how long its guest environment takes to publish host keys. */
  guestDelayMs: number;
  /** A longer PENDING time for one kind of call (a slow bulkInsert, say). */
  pendingMsFor?: Partial<Record<OperationFault['call'], number>>;
}

export interface Policy {
  project: string;
  region: string;
  name: string;
  vmCount: number;
  maxDistance: number | undefined;
  /** Created through the beta API. */
  beta: boolean;
}

export interface Instance {
  project: string;
  zone: string;
  name: string;
  status: string;
  networkIP: string;
  natIP: string | undefined;
  properties: Record<string, unknown>;
  policies: string[];
  createdMs: number;
  runningMs: number | undefined;
  hostKeys: DoubleHostKey[];
}

export interface OperationFault {
  /** Which call's operation fails: its nth (1-based) occurrence, default every one. */
  call: 'policy.insert' | 'instances.bulkInsert' | 'instances.delete' | 'policy.delete';
  nth?: number;
  error: { code: string; message: string };
  /** bulkInsert: how many VMs exist (PROVISIONING) before the operation fails. */
  midway?: number;
  httpErrorStatusCode?: number;
}

export interface Operation {
  name: string;
  pendingMs: number;
  project: string;
  scope: 'zone' | 'region';
  location: string;
  type: string;
  target: string;
  requestId: string | undefined;
  createdMs: number;
  status: 'PENDING' | 'RUNNING' | 'DONE';
  fault: OperationFault | undefined;
  error: { code: string; message: string } | undefined;
  onRunning: () => void;
  onDone: () => void;
}

export const key = (...parts: string[]): string => parts.join('/');

export class DoubleState {
  readonly policies = new Map<string, Policy>();
  readonly instances = new Map<string, Instance>();
  readonly operations = new Map<string, Operation>();
  readonly byRequestId = new Map<string, Operation>();
  readonly faults: OperationFault[] = [];
  private readonly calls = new Map<string, number>();
  private nextAddress = 2;

  constructor(
    readonly timing: DoubleTiming,
    private readonly address: (name: string, index: number) => string = (_name, index) => `10.128.0.${index}`,
    private readonly hostKeysFor: (name: string, ip: string) => DoubleHostKey[] = () => [newHostKey()],
    /** External addresses stay on loopback: a test must never send traffic elsewhere. */
    private readonly externalAddress = '127.0.0.1',
  ) {}

  /** Starts an operation; `effects` change the resources when it starts running and when it is done. */
  startOperation(init: Omit<Operation, 'name' | 'pendingMs' | 'createdMs' | 'status' | 'fault' | 'error'>, call: OperationFault['call']): Operation {
    const count = (this.calls.get(call) ?? 0) + 1;
    this.calls.set(call, count);
    const index = this.faults.findIndex((fault) => fault.call === call && (fault.nth === undefined || fault.nth === count));
    const fault = index === -1 ? undefined : this.faults[index];
    const op: Operation = { ...init, name: operationName(), pendingMs: this.timing.pendingMsFor?.[call] ?? this.timing.pendingMs, createdMs: Date.now(), status: 'PENDING', fault, error: undefined };
    this.operations.set(op.name, op);
    if (op.requestId) this.byRequestId.set(op.requestId, op);
    return op;
  }

  /** Advances every operation and VM to where the clock says it is. */
  tick(now = Date.now()): void {
    const { runningMs } = this.timing;
    for (const op of this.operations.values()) {
      if (op.status === 'PENDING' && now - op.createdMs >= op.pendingMs) {
        op.status = 'RUNNING';
        op.onRunning();
      }
      if (op.status === 'RUNNING' && now - op.createdMs >= op.pendingMs + runningMs) {
        op.status = 'DONE';
        if (op.fault) op.error = op.fault.error;
        op.onDone();
      }
    }
    for (const vm of this.instances.values()) {
      if ((vm.status === 'PROVISIONING' || vm.status === 'STAGING') && vm.runningMs === undefined && now - vm.createdMs >= runningMs) {
        vm.status = 'RUNNING';
        vm.runningMs = now;
      }
    }
  }

  createInstance(project: string, zone: string, name: string, properties: Record<string, unknown>): Instance {
    const index = this.nextAddress++;
    const networkIP = this.address(name, index);
    const nic = (properties.networkInterfaces as Record<string, unknown>[] | undefined)?.[0];
    const vm: Instance = {
      project,
      zone,
      name,
      status: 'PROVISIONING',
      networkIP,
      natIP: nic?.accessConfigs ? this.externalAddress : undefined,
      properties,
      policies: ((properties.resourcePolicies as string[] | undefined) ?? []).map((policy) => policy.split('/').pop() as string),
      createdMs: Date.now(),
      runningMs: undefined,
      hostKeys: this.hostKeysFor(name, networkIP),
    };
    this.instances.set(key(project, zone, name), vm);
    return vm;
  }

  /** Guest attributes exist once the guest environment ran, and only when the metadata enables them. */
  guestAttributesReady(vm: Instance, now = Date.now()): boolean {
    const items = ((vm.properties.metadata as { items?: { key: string; value: string }[] } | undefined)?.items ?? []);
    const enabled = items.some((item) => item.key === 'enable-guest-attributes' && item.value.toUpperCase() === 'TRUE');
    return enabled && vm.status === 'RUNNING' && vm.runningMs !== undefined && now - vm.runningMs >= this.timing.guestDelayMs;
  }

  /** A Spot VM is preempted: it stops (TERMINATED), or is deleted when its termination action says so. */
  preempt(name: string): void {
    const vm = [...this.instances.values()].find((candidate) => candidate.name === name);
    if (!vm) throw new Error(`no VM ${name}`);
    const scheduling = vm.properties.scheduling as { instanceTerminationAction?: string } | undefined;
    if (scheduling?.instanceTerminationAction === 'DELETE') this.instances.delete(key(vm.project, vm.zone, vm.name));
    else vm.status = 'TERMINATED';
  }

  policiesInUse(project: string, region: string, name: string): Instance[] {
    return [...this.instances.values()].filter((vm) => vm.project === project && regionOfZone(vm.zone) === region && vm.policies.includes(name));
  }

  operationJson(op: Operation): Record<string, unknown> {
    const where = op.scope === 'zone' ? { zone: `${BASE}/projects/${op.project}/zones/${op.location}` } : { region: `${BASE}/projects/${op.project}/regions/${op.location}` };
    const base = `${BASE}/projects/${op.project}/${op.scope === 'zone' ? 'zones' : 'regions'}/${op.location}`;
    return {
      kind: 'compute#operation',
      id: String(op.createdMs),
      name: op.name,
      operationType: op.type,
      targetLink: op.target,
      status: op.status,
      user: 'hpcrun-test@example.iam.gserviceaccount.com',
      progress: op.status === 'DONE' ? 100 : op.status === 'RUNNING' ? 50 : 0,
      insertTime: rfc3339(op.createdMs),
      ...(op.status !== 'PENDING' ? { startTime: rfc3339(op.createdMs + op.pendingMs) } : {}),
      ...(op.status === 'DONE' ? { endTime: rfc3339(op.createdMs + op.pendingMs + this.timing.runningMs) } : {}),
      ...(op.error ? { error: { errors: [{ code: op.error.code, message: op.error.message }] }, httpErrorStatusCode: op.fault?.httpErrorStatusCode ?? 403, httpErrorMessage: 'FORBIDDEN' } : {}),
      ...(op.requestId ? { clientOperationId: op.requestId } : {}),
      selfLink: `${base}/operations/${op.name}`,
      ...where,
    };
  }

  instanceJson(vm: Instance): Record<string, unknown> {
    const p = vm.properties;
    const base = `${BASE}/projects/${vm.project}`;
    const nic = ((p.networkInterfaces as Record<string, unknown>[] | undefined)?.[0] ?? {}) as Record<string, unknown>;
    return {
      kind: 'compute#instance',
      id: String(vm.createdMs),
      name: vm.name,
      zone: `${base}/zones/${vm.zone}`,
      machineType: `${base}/zones/${vm.zone}/machineTypes/${p.machineType as string}`,
      status: vm.status,
      labels: p.labels ?? {},
      metadata: { kind: 'compute#metadata', fingerprint: 'aGVsbG8=', items: (p.metadata as { items?: unknown[] } | undefined)?.items ?? [] },
      networkInterfaces: [
        {
          kind: 'compute#networkInterface',
          name: 'nic0',
          network: `${base}/${nic.network as string}`,
          subnetwork: `${base}/regions/${regionOfZone(vm.zone)}/subnetworks/default`,
          networkIP: vm.networkIP,
          nicType: nic.nicType,
          ...(vm.natIP ? { accessConfigs: [{ kind: 'compute#accessConfig', type: 'ONE_TO_ONE_NAT', name: 'External NAT', natIP: vm.natIP, networkTier: 'PREMIUM' }] } : {}),
        },
      ],
      scheduling: p.scheduling ?? {},
      ...(p.networkPerformanceConfig ? { networkPerformanceConfig: p.networkPerformanceConfig } : {}),
      resourcePolicies: vm.policies.map((policy) => `${base}/regions/${regionOfZone(vm.zone)}/resourcePolicies/${policy}`),
      creationTimestamp: rfc3339(vm.createdMs),
      selfLink: `${base}/zones/${vm.zone}/instances/${vm.name}`,
    };
  }
}
