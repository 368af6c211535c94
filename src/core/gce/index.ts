// Compute Engine clusters, the pure half: names, what `cluster up` creates
// (spec and REST requests), what it costs, the cluster folder's files, and
// node states. The provider in src/providers/gce/ does the I/O.

export { CLUSTER_LABEL, DEFAULT_IMAGE, ROOT_LOGIN_WARNING, MAX_CLUSTER_NAME, ROLE_LABEL, defaultClusterName, headName, imagePath, nodeNames, parsePublicKey, regionOf, requireClusterName, requireProject, requireSshUser, sshKeysLine } from './names.js';
export { DEFAULT_DISK_GB, MAX_TTL_SECONDS, MIN_TTL_SECONDS, TIER1_MIN_VCPUS, clusterSpec, type ClusterRequest, type ClusterSpec, type PolicyGroup } from './spec.js';
export { instanceProperties, instancesCall, policyCall, requestIdFor, upCalls, wireOf, type CreateCall, type InstancesCall, type PolicyCall, type PropertiesOptions, type Role, type WireRequest } from './requests.js';
export { estimateCost, type CostEstimate, type CostInput } from './cost.js';
export { HOSTKEY_TYPES, clusterKnownHosts, hostKeysOf, hostfileText, knownHostsText, type GuestAttribute, type HostKey, type KnownHost } from './files.js';
export { clusterRecord, remainingTtlSeconds, shapeOfCluster, specOfCluster, type HeadFiles, type InstanceInfo } from './record.js';
export { clusterStatus, renderStatus, type ClusterStatus, type NodeState, type NodeStatus } from './status.js';
