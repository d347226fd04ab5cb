/**
 * EKS add-on versions pinned per Kubernetes minor, so an add-on does not drift with the console's
 * default (review M5) and a version bump shows in a review as a change of this table.
 *
 * metrics-server is an EKS community add-on: EKS does not install it, and without it no
 * HorizontalPodAutoscaler can read CPU or memory (review R3).
 *
 * Verification (issue 15 deploy review, 2026-12-07): the AWS documentation publishes no version
 * table for community add-ons. The EKS User Guide, "Community add-ons" (docs.aws.amazon.com/eks/
 * latest/userguide/community-addons.html), names the add-on `metrics-server` (namespace
 * `kube-system`, no IAM) and sends the reader to `aws eks describe-addon-versions --addon-name
 * metrics-server` for its versions. The string's form (`v<upstream>-eksbuild.<n>`) is that of every
 * EKS add-on version, and `v0.8.0-eksbuild.2` is a build that `describe-addon-versions` returned
 * for Kubernetes 1.33 (public Terraform configurations pin it there); builds after it exist
 * (v0.8.0-eksbuild.3 … .6, v0.8.1-eksbuild.5 for 1.31–1.35 in a maintained CDK table). Whether
 * `v0.8.0-eksbuild.2` is still listed as compatible with 1.34–1.36 could not be confirmed without
 * the AWS API: before the first deploy on one of those minors, run
 * `aws eks describe-addon-versions --addon-name metrics-server --kubernetes-version <minor>` and
 * replace the entry if the build is not listed (EKS refuses an incompatible version at apply).
 * A minor missing here is refused as bad input, like a missing cluster autoscaler release.
 */
export const METRICS_SERVER_ADDON_VERSIONS: Readonly<Record<string, string>> = {
  '1.32': 'v0.8.0-eksbuild.2',
  '1.33': 'v0.8.0-eksbuild.2',
  '1.34': 'v0.8.0-eksbuild.2',
  '1.35': 'v0.8.0-eksbuild.2',
  '1.36': 'v0.8.0-eksbuild.2',
};
