/**
 * The region's queue-scaler (issue 18): sets the pod count of every worker whose scaling rule is
 * `queue` from the backlog of what it consumes. An HPA cannot follow a backlog here: metrics-server
 * serves only CPU and memory, nothing on the clusters serves external metrics, and the apps stacks
 * apply no custom resource kind (no KEDA ScaledObject, no adapter whose definitions would have to
 * exist while the stack plans). So a small Deployment in its own `queue-scaler` namespace runs a bash
 * loop in the AWS CLI image:
 * - every QUEUE_SCALER_INTERVAL_SECONDS it reads each worker's backlog from CloudWatch
 *   (`GetMetricData`, its Pod Identity role may call nothing else): RabbitMQ's `MessageCount`
 *   (`AWS/AmazonMQ`; Broker, VirtualHost, Queue: the worker's own queue `<topic>.<service>`, ready +
 *   unacknowledged) and Kafka's `SumOffsetLag` (`AWS/Kafka`; Cluster Name, Consumer Group, Topic:
 *   the group named after the worker, KAFKA_CONSUMER_GROUP), the latest minute of the last five,
 *   summed over its topics;
 * - wants ceil(backlog ÷ target per pod) pods within min..max, leaves the count alone while the
 *   backlog per pod is within 10% of the target (an HPA's tolerance), adds pods at once and removes
 *   them only to the highest count wanted in the last 5 minutes (an HPA's scale-down stabilization;
 *   a scaler that has just started counts the current pods as wanted, so it removes none for 5 minutes);
 * - without a reading of every topic (a consumer group rebalancing emits no lag, a queue not yet
 *   declared has no metric, CloudWatch failed) it keeps the current count: never zero for want of data;
 * - sets `spec.replicas` through the Deployment's `scale` subresource (a merge PATCH with its
 *   ServiceAccount token), which a Role lets it get and patch on exactly those Deployments.
 * Those Deployments carry no `replicas` (terraform leaves the count to the scaler, as to an HPA) and
 * no HPA (two controllers would fight), and say who scales them in `stagecraft.io/queue-scaling`.
 */
import { QueueBroker, ServiceDefinition } from '../../config/service-definition';
import { topicsOn } from '../../config/components';
import { PodScalingRule } from '../../sizing/autoscaling/pod-rule';
import { rabbitMqQueue } from './queue-topology';
import { terraformLiteral } from '../../synthesis/terraform-literal';
import { QUEUE_SCALER_TARGETS_ENV, QUEUE_SCALING_ANNOTATION } from '../../synthesis/queue-scaling';
import { KubernetesObject } from '../kubernetes/object';
import { PRODUCT_NAMESPACE } from '../kubernetes/labels';
import { dnsEgressRule, internetHttpsEgressRule, podIdentityEgressRule, tcp } from '../kubernetes/network-policy';
import { hardenedContainerSecurity, hardenedPodSecurity } from '../kubernetes/security-context';
import { RUN_AS_USER } from '../kubernetes/workload-spec';
import { KAFKA_TOPICS_CLI_IMAGE } from './operations-jobs';
import { QUEUE_SCALE_DOWN, QUEUE_SCALER_INTERVAL_SECONDS, QUEUE_TOLERANCE } from '../../sizing/autoscaling/queue-backlog';

export const QUEUE_SCALER_NAME = 'queue-scaler';
export const QUEUE_SCALER_NAMESPACE = 'queue-scaler';
/** The AWS CLI v2 image (Amazon Linux 2: bash, curl, coreutils), the one the kafka-topics Job runs. */
export const QUEUE_SCALER_IMAGE = KAFKA_TOPICS_CLI_IMAGE;
export { QUEUE_SCALER_TARGETS_ENV, QUEUE_SCALING_ANNOTATION };
/** RabbitMQ's virtual host of the product's queues (the rabbitmq-users Job declares them in `/`). */
export const RABBITMQ_VIRTUAL_HOST = '/';
const STATE_DIR = '/tmp/state';
/** A pod whose loop has not completed for this long is restarted (liveness). */
const STALE_SECONDS = 10 * QUEUE_SCALER_INTERVAL_SECONDS;

/** Where one part of a worker's backlog is read. */
export type BacklogSource =
  /** The worker's queue on an Amazon MQ for RabbitMQ broker: `MessageCount`. */
  | { readonly broker: 'rabbitmq'; readonly brokerName: string; readonly queue: string }
  /** The worker's consumer group on one topic of an MSK cluster: `SumOffsetLag`. */
  | { readonly broker: 'kafka'; readonly clusterName: string; readonly group: string; readonly topic: string };

/** One queue-scaled worker: its Deployment in the product namespace, its range, its target and sources. */
export interface QueueScaledWorker {
  readonly deployment: string;
  readonly min: number;
  readonly max: number;
  readonly targetPerPod: number;
  readonly sources: readonly BacklogSource[];
}

/** What the scaler needs to know about its region. */
export interface QueueScalerPlacement {
  readonly region: string;
  readonly workers: readonly QueueScaledWorker[];
  /** Subnets of the EKS control plane's network interfaces (the cluster's private subnets): the API server. */
  readonly apiServerCidrs: readonly string[];
  readonly vpcCidr: string;
}

/** `rabbitmq:<broker>:<queue>` or `kafka:<cluster>:<group>:<topic>`: names without colons or spaces (DNS labels, topic names). */
export function sourceToken(source: BacklogSource): string {
  return source.broker === 'rabbitmq' ? `rabbitmq:${source.brokerName}:${source.queue}` : `kafka:${source.clusterName}:${source.group}:${source.topic}`;
}

/** The variable's lines: `<deployment> <min> <max> <target per pod> <source>…`. */
export function queueScalerTargets(workers: readonly QueueScaledWorker[]): string {
  return workers.map((w) => [w.deployment, w.min, w.max, w.targetPerPod, ...w.sources.map(sourceToken)].join(' ')).join('\n');
}

/** The Deployment annotation of a queue-scaled worker (graph, review and guardrail SC-K8S-10 read it). */
export function queueScalingAnnotation(rule: { readonly min: number; readonly max: number; readonly targetPerPod: number }): Record<string, string> {
  return {
    [QUEUE_SCALING_ANNOTATION]: JSON.stringify({
      scaler: `${QUEUE_SCALER_NAMESPACE}/${QUEUE_SCALER_NAME}`,
      min: rule.min,
      max: rule.max,
      targetPerPod: rule.targetPerPod,
    }),
  };
}

/**
 * The queue-scaled workers among `workloads`, each with where its backlog is read: its own queue
 * `<topic>.<service>` on the RabbitMQ broker, and its consumer group (named after it, the
 * KAFKA_CONSUMER_GROUP it gets) on each Kafka topic it consumes.
 */
export function queueScaledWorkers(
  workloads: ReadonlyArray<{ readonly service: ServiceDefinition; readonly scaling?: PodScalingRule }>,
  brokers: { readonly queues: readonly QueueBroker[]; readonly rabbitMqBroker?: string; readonly kafkaCluster?: string },
): QueueScaledWorker[] {
  return workloads.flatMap(({ service, scaling }) => {
    if (!scaling?.backlog) return [];
    const sources: BacklogSource[] = [];
    if (brokers.rabbitMqBroker !== undefined)
      for (const topic of topicsOn(service, 'rabbitmq', brokers.queues).consumes)
        sources.push({ broker: 'rabbitmq', brokerName: brokers.rabbitMqBroker, queue: rabbitMqQueue(topic, service.name) });
    if (brokers.kafkaCluster !== undefined)
      for (const topic of topicsOn(service, 'kafka', brokers.queues).consumes)
        sources.push({ broker: 'kafka', clusterName: brokers.kafkaCluster, group: service.name, topic });
    // The environment's checks refuse a queue rule without its broker (config/services.ts).
    if (sources.length === 0) throw new Error(`${service.name} scales on its queue's backlog, but no broker of this region carries a topic it consumes`);
    return [{ deployment: service.name, min: scaling.min, max: scaling.max, targetPerPod: scaling.backlog.perPod, sources }];
  });
}

/**
 * The loop. Bash, because the AWS CLI image has no jq: CloudWatch's answer is read as text lines,
 * the scale subresource's JSON with sed, and all arithmetic is on integers (backlogs are counts).
 * KUBERNETES_API, SERVICE_ACCOUNT_DIR, QUEUE_SCALER_NOW and QUEUE_SCALER_ONCE exist for the tests
 * (test/services/platform/queue-scaler.test.ts), which run it against stand-ins.
 */
export const QUEUE_SCALER_SCRIPT = `set -uo pipefail
api=\${KUBERNETES_API:-https://kubernetes.default.svc}
sa=\${SERVICE_ACCOUNT_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}
state=\${QUEUE_SCALER_STATE:-${STATE_DIR}}
mkdir -p "$state"

# "<id> <value>" per source: the latest one-minute maximum of the last five minutes, None when absent.
read_backlog() {
  local queries='' i=0 src kind a b c metric
  for src in "$@"; do
    IFS=: read -r kind a b c <<<"$src"
    case "$kind" in
      rabbitmq) metric='{"Namespace":"AWS/AmazonMQ","MetricName":"MessageCount","Dimensions":[{"Name":"Broker","Value":"'"$a"'"},{"Name":"VirtualHost","Value":"${RABBITMQ_VIRTUAL_HOST}"},{"Name":"Queue","Value":"'"$b"'"}]}' ;;
      kafka) metric='{"Namespace":"AWS/Kafka","MetricName":"SumOffsetLag","Dimensions":[{"Name":"Cluster Name","Value":"'"$a"'"},{"Name":"Consumer Group","Value":"'"$b"'"},{"Name":"Topic","Value":"'"$c"'"}]}' ;;
      *) echo "unknown backlog source $src" >&2; return 1 ;;
    esac
    queries+="\${queries:+,}{\\"Id\\":\\"m$i\\",\\"MetricStat\\":{\\"Metric\\":$metric,\\"Period\\":60,\\"Stat\\":\\"Maximum\\"},\\"ReturnData\\":true}"
    i=$((i + 1))
  done
  aws cloudwatch get-metric-data --region "$AWS_REGION" --start-time "$((now - 300))" --end-time "$now" \\
    --scan-by TimestampDescending --metric-data-queries "[$queries]" --query 'MetricDataResults[].[Id, Values[0]]' --output text
}

# The backlog summed over every source, or nothing when one has no reading.
total_backlog() {
  local out id value total=0 seen=0
  out=$(read_backlog "$@") || return 1
  while read -r id value; do
    [ -n "$id" ] || continue
    [[ "$value" =~ ^[0-9]+(\\.[0-9]+)?$ ]] || return 1
    total=$((total + \${value%%.*}))
    seen=$((seen + 1))
  done <<<"$out"
  [ "$seen" -eq "$#" ] || return 1
  echo "$total"
}

kube() {
  local method=$1 path=$2 body=\${3:-}
  local args=(-sS -o "$state/response" -w '%{http_code}' --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat "$sa/token")" -X "$method")
  [ -z "$body" ] || args+=(-H 'Content-Type: application/merge-patch+json' --data "$body")
  curl "\${args[@]}" "$api/apis/apps/v1/namespaces/$NAMESPACE/deployments/$path"
}

scale_one() {
  local name=$1 min=$2 max=$3 target=$4
  shift 4
  local code current backlog desired capacity diff stabilized final t r
  code=$(kube GET "$name/scale") || code=000
  if [ "$code" != 200 ]; then echo "$name: scale not readable (HTTP $code): $(cat "$state/response" 2>/dev/null)" >&2; return; fi
  current=$(tr -d ' \\n' <"$state/response" | sed -n 's/.*"spec":{"replicas":\\([0-9]*\\)}.*/\\1/p')
  current=\${current:-0}
  if ! backlog=$(total_backlog "$@"); then
    echo "$name: no backlog reading for every topic; keeping $current pods"
    return
  fi
  desired=$(((backlog + target - 1) / target))
  if [ "$current" -gt 0 ]; then
    capacity=$((target * current))
    diff=$((backlog - capacity))
    diff=\${diff#-}
    # Within the tolerance of the target: no change.
    [ $((100 * diff)) -gt $((TOLERANCE_PERCENT * capacity)) ] || desired=$current
  fi
  [ "$desired" -ge "$min" ] || desired=$min
  [ "$desired" -le "$max" ] || desired=$max
  # Scale-down stabilization: the highest count wanted within the window. A scaler that has just
  # started counts the current pods as wanted now, so it removes none for a whole window.
  [ -f "$state/$name.history" ] || echo "$now $current" >"$state/$name.history"
  echo "$now $desired" >>"$state/$name.history"
  stabilized=$desired
  : >"$state/$name.kept"
  while read -r t r; do
    [ "$t" -gt $((now - STABILIZATION_SECONDS)) ] || continue
    echo "$t $r" >>"$state/$name.kept"
    [ "$r" -le "$stabilized" ] || stabilized=$r
  done <"$state/$name.history"
  mv "$state/$name.kept" "$state/$name.history"
  if [ "$desired" -gt "$current" ]; then final=$desired
  elif [ "$stabilized" -lt "$current" ]; then final=$stabilized
  else final=$current; fi
  if [ "$final" -eq "$current" ]; then
    echo "$name: backlog $backlog, $current pods (target $target per pod): no change"
    return
  fi
  code=$(kube PATCH "$name/scale" "{\\"spec\\":{\\"replicas\\":$final}}") || code=000
  if [ "$code" = 200 ]; then echo "$name: backlog $backlog, $current -> $final pods (target $target per pod)"
  else echo "$name: scale to $final refused (HTTP $code): $(cat "$state/response" 2>/dev/null)" >&2; fi
}

while :; do
  now=\${QUEUE_SCALER_NOW:-$(date +%s)}
  while read -r name min max target sources; do
    [ -n "$name" ] || continue
    read -ra list <<<"$sources"
    scale_one "$name" "$min" "$max" "$target" "\${list[@]}"
  done <<<"$${QUEUE_SCALER_TARGETS_ENV}"
  date +%s >"$state/heartbeat"
  [ "\${QUEUE_SCALER_ONCE:-}" != 1 ] || break
  sleep "$INTERVAL_SECONDS"
done
`;

const labels = { 'app.kubernetes.io/name': QUEUE_SCALER_NAME, 'app.kubernetes.io/part-of': 'stagecraft' };
const meta = (name: string, namespace = QUEUE_SCALER_NAMESPACE) => ({ name, namespace, labels: { ...labels } });

/** The probe: the loop has completed a pass recently. */
const heartbeatProbe = (periodSeconds: number) => ({
  exec: { command: ['/bin/bash', '-c', `[ $(( $(date +%s) - $(cat ${STATE_DIR}/heartbeat 2>/dev/null || echo 0) )) -lt ${STALE_SECONDS} ]`] },
  initialDelaySeconds: 2 * QUEUE_SCALER_INTERVAL_SECONDS,
  periodSeconds,
  failureThreshold: 3,
});

/** Namespace, ServiceAccount, the Role and RoleBinding on the workers' scale, the Deployment and its NetworkPolicy. */
export function queueScalerObjects(placement: QueueScalerPlacement): KubernetesObject[] {
  const names = [...new Set(placement.workers.map((w) => w.deployment))].sort();
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: QUEUE_SCALER_NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'stagecraft' } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(QUEUE_SCALER_NAME) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(QUEUE_SCALER_NAME, PRODUCT_NAMESPACE),
      // The scale subresource of exactly the queue-scaled Deployments: nothing else, not even their spec.
      rules: [{ apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: names, verbs: ['get', 'patch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(QUEUE_SCALER_NAME, PRODUCT_NAMESPACE),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: QUEUE_SCALER_NAME },
      subjects: [{ kind: 'ServiceAccount', name: QUEUE_SCALER_NAME, namespace: QUEUE_SCALER_NAMESPACE }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(QUEUE_SCALER_NAME),
      spec: {
        // One writer of the counts: two would each keep their own stabilization window.
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { 'app.kubernetes.io/name': QUEUE_SCALER_NAME } },
        template: {
          metadata: { labels: { ...labels } },
          spec: {
            serviceAccountName: QUEUE_SCALER_NAME,
            securityContext: hardenedPodSecurity(RUN_AS_USER),
            containers: [
              {
                name: QUEUE_SCALER_NAME,
                image: QUEUE_SCALER_IMAGE,
                command: ['/bin/bash', '-c', terraformLiteral(QUEUE_SCALER_SCRIPT)],
                env: [
                  { name: 'HOME', value: '/tmp' },
                  { name: 'AWS_REGION', value: placement.region },
                  { name: 'NAMESPACE', value: PRODUCT_NAMESPACE },
                  { name: 'INTERVAL_SECONDS', value: String(QUEUE_SCALER_INTERVAL_SECONDS) },
                  { name: 'STABILIZATION_SECONDS', value: String(QUEUE_SCALE_DOWN.stabilizationSeconds) },
                  { name: 'TOLERANCE_PERCENT', value: String(Math.round(QUEUE_TOLERANCE * 100)) },
                  { name: QUEUE_SCALER_TARGETS_ENV, value: queueScalerTargets(placement.workers) },
                ],
                securityContext: hardenedContainerSecurity(RUN_AS_USER),
                resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
                livenessProbe: heartbeatProbe(30),
                readinessProbe: heartbeatProbe(15),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }],
          },
        },
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(QUEUE_SCALER_NAME),
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': QUEUE_SCALER_NAME } },
        policyTypes: ['Ingress', 'Egress'],
        // Nothing calls it. It calls DNS, the Pod Identity agent, the API server (the control plane's
        // interfaces in the private subnets) and CloudWatch (HTTPS outside the VPC; AWS publishes no stable range).
        ingress: [],
        egress: [
          dnsEgressRule(),
          podIdentityEgressRule(),
          { to: placement.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(443)] },
          internetHttpsEgressRule(placement.vpcCidr),
        ],
      },
    },
  ];
}
