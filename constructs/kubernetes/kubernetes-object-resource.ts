/**
 * One Kubernetes API object applied through the kubernetes provider's typed resource for its kind
 * (`kubernetes_deployment_v1`, `kubernetes_service_v1`, …), which plans without a live API server,
 * unlike `kubernetes_manifest`. The object stays the model (what the tests validate against the
 * API schema); synthesis/kubernetes-typed.ts converts it to the resource's arguments, and the
 * readers convert them back with the same table.
 *
 * The provider's own behaviour arguments are set here, deliberately, not left to defaults:
 * - Deployments, StatefulSets and DaemonSets wait for their rollout (`wait_for_rollout`), so an
 *   apply reports success only once the new pods are ready;
 * - a Job is waited for (`wait_for_completion`), and its create/update timeouts exceed the Job's
 *   own `activeDeadlineSeconds` (or one hour when it has none): the provider's default create
 *   timeout is one minute, after which terraform would report a failure while the Job still runs,
 *   and without waiting it would report success before the Job finished;
 * - a LoadBalancer Service waits for its load balancer (`wait_for_load_balancer`);
 * - a Namespace waits for its default service account, so pods created right after it can be admitted;
 * - a StatefulSet is `prevent_destroy` (guardrail SC-DP-5): the provider replaces it when its volume
 *   claim templates, selector, service name or pod management policy change (ForceNew), which
 *   would stop every pod of a database at once; the plan fails instead, and the change needs a
 *   deliberate migration (review/update-semantics.ts).
 */
import { Construct } from 'constructs';
import { ITerraformDependable, TerraformProvider, TerraformResource, Token } from 'cdktf';
import { ApiObject, typedArguments } from '../../synthesis/kubernetes-typed';
import { preventDestroy } from '../shared/protection';

/** The kubernetes provider the typed resources belong to (its version is pinned by the provider block). */
const PROVIDER = { providerName: 'kubernetes', providerVersion: '2.38.0' } as const;

/** A rollout of a workload may take this long before terraform reports it failed. */
const ROLLOUT_TIMEOUT = '15m';
/** A Job without a deadline of its own is waited for this long. */
const DEFAULT_JOB_SECONDS = 3600;
/** Time beyond a Job's deadline for its pods to be scheduled and its status to be read. */
const JOB_MARGIN_SECONDS = 600;

/** Properties of a KubernetesObjectResource. */
export interface KubernetesObjectResourceProps {
  /** The object to apply, in the API's own field names. */
  readonly object: ApiObject;
  /** @default none */
  readonly dependsOn?: readonly ITerraformDependable[];
  /** @default the stack's kubernetes provider */
  readonly provider?: TerraformProvider;
}

/** The provider arguments that are not part of the object: how terraform waits for it. */
export function providerBehaviour(object: ApiObject): Record<string, unknown> {
  switch (object.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
      return { wait_for_rollout: true, timeouts: { create: ROLLOUT_TIMEOUT, update: ROLLOUT_TIMEOUT } };
    case 'Job': {
      const deadline = (object.spec as { activeDeadlineSeconds?: unknown } | undefined)?.activeDeadlineSeconds;
      const seconds = (typeof deadline === 'number' ? deadline : DEFAULT_JOB_SECONDS) + JOB_MARGIN_SECONDS;
      return { wait_for_completion: true, timeouts: { create: `${seconds}s`, update: `${seconds}s` } };
    }
    case 'Service':
      return (object.spec as { type?: unknown } | undefined)?.type === 'LoadBalancer' ? { wait_for_load_balancer: true } : {};
    case 'Namespace':
      return { wait_for_default_service_account: true };
    default:
      return {};
  }
}

/** A typed kubernetes resource whose arguments are the converted object. */
export class KubernetesObjectResource extends TerraformResource {
  /** The object applied. */
  readonly object: ApiObject;
  /** The converted arguments, provider behaviour included. */
  readonly arguments: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: KubernetesObjectResourceProps) {
    const converted = typedArguments(props.object, { numberToString: (n) => (Token.isUnresolved(n) ? Token.asString(n) : String(n)) });
    super(scope, id, {
      terraformResourceType: converted.resourceType,
      terraformGeneratorMetadata: PROVIDER,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
      provider: props.provider,
    });
    this.object = props.object;
    this.arguments = { ...converted.arguments, ...providerBehaviour(props.object) };
    if (props.object.kind === 'StatefulSet') preventDestroy(this);
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { ...this.arguments };
  }
}
