/**
 * The hardening every pod the platform emits carries, whatever runs in it: non-root as one uid,
 * volumes group-owned by it, the runtime's seccomp profile; and per container a read-only root
 * filesystem, no privilege escalation, every capability dropped. It is what Pod Security
 * Admission `restricted` demands, and what the SC-K8S guardrails check.
 */

/** Pod-level security context for processes running as `uid`. */
export function hardenedPodSecurity(uid: number): Record<string, unknown> {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}

/** Container-level security context for a process running as `uid`. */
export function hardenedContainerSecurity(uid: number): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  };
}
