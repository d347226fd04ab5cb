/**
 * The section titles of the region dashboard (constructs/aws/region-dashboard.ts builds it;
 * `readiness` looks for them). On their own so that readiness does not load cdktf and the provider
 * classes with the construct.
 */

/** Section titles, in the order they appear; `readiness` looks for them. */
export const DASHBOARD_SECTIONS = ['Traffic', 'Errors', 'Latency', 'Saturation', 'Graduation'] as const;
