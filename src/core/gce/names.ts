// Names on Compute Engine: projects, zones, regions, clusters and the
// resources hpcrun creates for them, and the images and SSH keys they use.
// Pure: every check throws a usage error that names the flag.

import { usageError } from '../../errors.js';

/** The label every VM of a cluster carries; `down` and `list` find VMs by it. */
export const CLUSTER_LABEL = 'hpcrun-cluster';
export const ROLE_LABEL = 'hpcrun-role';
/** The longest cluster name: instance names add up to 5 characters (-0001, -head) and must stay within 63. */
export const MAX_CLUSTER_NAME = 40;
export const DEFAULT_IMAGE = 'cloud-hpc-image-public/hpc-rocky-linux-8';

const ZONE = /^([a-z]+-[a-z]+[0-9]+)-[a-z]$/;
const PROJECT = /^([a-z][-a-z0-9.]*:)?[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
const RESOURCE = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const FAMILY = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Checks a zone such as us-central1-a and returns its region (us-central1). */
export function regionOf(zone: string): string {
  const match = ZONE.exec(zone);
  if (!match) {
    throw usageError('HPCRUN_GCE_BAD_ZONE', `--zone ${JSON.stringify(zone)} is not a Compute Engine zone`, 'give a zone such as us-central1-a or europe-west4-b (`gcloud compute zones list`)');
  }
  return match[1] as string;
}

export function requireProject(project: string): string {
  if (!PROJECT.test(project)) {
    throw usageError('HPCRUN_GCE_BAD_PROJECT', `--project ${JSON.stringify(project)} is not a project ID`, 'give the project ID (6 to 30 lowercase letters, digits and hyphens), as `gcloud projects list` shows it');
  }
  return project;
}

export function requireClusterName(name: string): string {
  if (!RESOURCE.test(name) || name.length > MAX_CLUSTER_NAME) {
    throw usageError('HPCRUN_GCE_BAD_NAME', `the cluster name ${JSON.stringify(name)} cannot name Compute Engine resources`, `use lowercase letters, digits and hyphens, starting with a letter, at most ${MAX_CLUSTER_NAME} characters`);
  }
  return name;
}

/** The default cluster name, from the clock (UTC): hpcrun-20260131-120502. */
export function defaultClusterName(now: Date): string {
  const iso = now.toISOString();
  return `hpcrun-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

/** Node names: NAME-0001, NAME-0002, ... (wider beyond 9,999 nodes). */
export function nodeNames(cluster: string, count: number): string[] {
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, i) => `${cluster}-${String(i + 1).padStart(width, '0')}`);
}

export const headName = (cluster: string): string => `${cluster}-head`;

/**
 * The boot image: FAMILY (in the cluster's project), PROJECT/FAMILY, or a
 * path or URL that names an image or family already (projects/P/global/images/...).
 */
export function imagePath(image: string, project: string): string {
  if (/^(https:\/\/[^ ]+\/)?projects\/[^ /]+\/global\/images\/[^ ]+$/.test(image)) return image;
  const parts = image.split('/');
  const [owner, family] = parts.length === 2 ? parts : [project, parts[0]];
  if (parts.length > 2 || !family || !FAMILY.test(family) || !owner || !PROJECT.test(owner)) {
    throw usageError('HPCRUN_GCE_BAD_IMAGE', `--image ${JSON.stringify(image)} is not an image family`, `give FAMILY, PROJECT/FAMILY (default ${DEFAULT_IMAGE}) or projects/P/global/images/family/F; the image must have the MPI you launch with`);
  }
  return `projects/${owner}/global/images/family/${family}`;
}

/** An OpenSSH public key line (TYPE BASE64 [comment]) as TYPE and key. */
export function parsePublicKey(text: string, source: string): { type: string; key: string } {
  const [type, key] = text.trim().split(/\s+/);
  if (!type || !key || !/^(ssh-(ed25519|rsa)|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9@.-]+)$/.test(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(key)) {
    throw usageError('HPCRUN_SSH_PUBLIC_KEY', `${source} is not an OpenSSH public key`, 'give --ssh-key the .pub file of your key pair (ssh-keygen -t ed25519 makes one)');
  }
  return { type, key };
}

export function requireSshUser(user: string): string {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) {
    throw usageError('HPCRUN_GCE_BAD_USER', `${JSON.stringify(user)} is not a login name`, 'give --ssh-user a lowercase login name such as hpc');
  }
  return user;
}

/** Google's images refuse root logins over SSH (PermitRootLogin no); an image of your own may not. */
export const ROOT_LOGIN_WARNING = 'warning: --ssh-user root: Google\'s images refuse root logins over SSH; use --ssh-user NAME unless your image allows them';

/** The `ssh-keys` metadata line the guest environment turns into an account with this key. */
export const sshKeysLine = (user: string, key: { type: string; key: string }, comment = user): string => `${user}:${key.type} ${key.key} ${comment}`;
