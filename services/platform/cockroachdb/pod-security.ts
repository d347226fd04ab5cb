/**
 * The hardening every CockroachDB pod and container carries, in one place: non-root (uid 1000,
 * the cockroach image's convention in the official manifests), read-only root filesystem, no
 * privilege escalation, every capability dropped, the runtime's seccomp profile. This is what
 * the namespace's Pod Security Admission level `restricted` demands, so it is also enforced there.
 */
import { hardenedContainerSecurity, hardenedPodSecurity } from '../../kubernetes/security-context';

/** uid/gid the processes run as; fsGroup makes the volumes writable for it. */
export const RUN_AS_ID = 1000;

/** Skips re-chowning a large data volume on every start when its owner is already right. */
export function podSecurityContext(): Record<string, unknown> {
  return { ...hardenedPodSecurity(RUN_AS_ID), fsGroupChangePolicy: 'OnRootMismatch' };
}

export function containerSecurityContext(): Record<string, unknown> {
  return { ...hardenedContainerSecurity(RUN_AS_ID), runAsGroup: RUN_AS_ID, seccompProfile: { type: 'RuntimeDefault' } };
}

/** Requests equal to limits (Guaranteed QoS: never evicted first, never throttled by a neighbour). */
export function guaranteed(cpu: string, memory: string): Record<string, unknown> {
  return { requests: { cpu, memory }, limits: { cpu, memory } };
}

/** A writable scratch directory on a read-only root filesystem; `memory` keeps key material off the node's disk. */
export function scratchVolume(name: string, sizeLimit: string, memory = false): Record<string, unknown> {
  return { name, emptyDir: { sizeLimit, ...(memory ? { medium: 'Memory' } : {}) } };
}
