/**
 * The cluster autoscaler release for each Kubernetes minor. Upstream supports each minor with
 * the autoscaler of the same minor only, so the image follows `compute.kubernetesVersion`.
 * Latest patch of each line as published on 2026-07-23 (kubernetes/autoscaler releases
 * cluster-autoscaler-1.33.6, -1.34.5, -1.35.2, -1.36.1; 1.32.7 the last of its line seen).
 * A minor missing here is refused as bad input; add a row to support it.
 */
export const CLUSTER_AUTOSCALER_RELEASES: Readonly<Record<string, string>> = {
  '1.32': 'v1.32.7',
  '1.33': 'v1.33.6',
  '1.34': 'v1.34.5',
  '1.35': 'v1.35.2',
  '1.36': 'v1.36.1',
};
