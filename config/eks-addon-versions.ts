/**
 * EKS add-on versions pinned per Kubernetes minor, so an add-on does not drift with the console's
 * default (review M5) and a version bump shows in a review as a change of this table.
 *
 * metrics-server is an EKS community add-on: EKS does not install it, and without it no
 * HorizontalPodAutoscaler can read CPU or memory (review R3). v0.8.0 supports Kubernetes 1.31 and
 * later; `v0.8.0-eksbuild.2` is the build published for these minors (check a new minor with
 * `aws eks describe-addon-versions --addon-name metrics-server --kubernetes-version <minor>`).
 * A minor missing here is refused as bad input, like a missing cluster autoscaler release.
 */
export const METRICS_SERVER_ADDON_VERSIONS: Readonly<Record<string, string>> = {
  '1.32': 'v0.8.0-eksbuild.2',
  '1.33': 'v0.8.0-eksbuild.2',
  '1.34': 'v0.8.0-eksbuild.2',
  '1.35': 'v0.8.0-eksbuild.2',
  '1.36': 'v0.8.0-eksbuild.2',
};
