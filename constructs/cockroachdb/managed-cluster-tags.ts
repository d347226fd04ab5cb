/**
 * The tags of a CockroachDB Cloud cluster's secret (constructs/cockroachdb/managed-cluster-connection.ts
 * writes them; the cost estimate and the guardrails read them from the synthesized JSON). On their
 * own so that the readers do not load cdktf and the provider classes with the construct.
 */

/** Tag naming the external service a resource stands for; the cost estimate and SC-STG-4 read it. */
export const MANAGED_SERVICE_TAG = 'stagecraft:managed-service';
export const MANAGED_COCKROACH = 'cockroachdb-cloud';
/** Tags with the plan and its pricing inputs. */
export const COCKROACH_PLAN_TAG = 'stagecraft:cockroachdb-plan';
export const COCKROACH_RU_TAG = 'stagecraft:cockroachdb-request-units-per-query';
export const COCKROACH_NODES_TAG = 'stagecraft:cockroachdb-nodes-per-region';
