/**
 * What the Kubernetes builders need to know about one service in one region: its definition,
 * the resources and pod range decided for this environment, and the environment variables
 * that point it at its data stores (endpoints and secret references, never secret values).
 */
import { PodScalingRule } from '../../sizing/autoscaling/pod-rule';
import { ResourceAmounts, ServiceDefinition } from '../../config/service-definition';
import { EXTERNAL_PROVISIONS_ANNOTATION } from '../../synthesis/kubernetes-provisions';

export interface ServiceWorkload {
  readonly service: ServiceDefinition;
  readonly resources: { readonly requests: ResourceAmounts; readonly limits: ResourceAmounts };
  /** The autoscaling rule, or undefined for a fixed number of pods. */
  readonly scaling?: PodScalingRule;
  /** Pods of a service without an autoscaler. */
  readonly replicas: number;
  /** Data-store endpoints and secret references (may hold Terraform references). */
  readonly bindings: Readonly<Record<string, string>>;
  /** Secrets the pods mount read-only: their data-store credentials (CockroachDB client certificates). @default none */
  readonly secretVolumes?: ReadonlyArray<{ readonly secretName: string; readonly mountPath: string }>;
  /** Its application secrets: name → Secrets Manager ARN (a Terraform reference), fetched by an init container. @default none */
  readonly appSecrets?: Readonly<Record<string, string>>;
  /** The AWS region the secrets are read in. @default none (needed only with appSecrets) */
  readonly region?: string;
  /**
   * What its credentials name that another stack's Job makes (`provision.*`, e.g. the database
   * users a standby region's replica receives from the primary region's Job), declared on the
   * workload for guardrail SC-K8S-9. @default none
   */
  readonly externalProvisions?: readonly string[];
}

/** The metadata annotations of a service's workload object: what it declares made elsewhere. */
export function workloadAnnotations(workload: ServiceWorkload): { annotations?: Record<string, string> } {
  const external = [...new Set(workload.externalProvisions ?? [])].sort();
  return external.length === 0 ? {} : { annotations: { [EXTERNAL_PROVISIONS_ANNOTATION]: external.join(',') } };
}

/** The uid/gid every product container runs as (images must not need root). */
export const RUN_AS_USER = 10001;

/** `1500m`, `2` → Kubernetes quantities from the catalog's units. */
export function cpuQuantity(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}
export function memoryQuantity(mebibytes: number): string {
  return mebibytes % 1024 === 0 ? `${mebibytes / 1024}Gi` : `${mebibytes}Mi`;
}
