/**
 * Runbooks per environment (seed 004: "runbooks for the top failure scenarios"), generated from
 * the synthesized stacks so every alarm and resource they name exists: for each scenario the
 * stage can meet — region loss, database failover, cache loss, queue backlog, a bad deploy —
 * what the platform does by itself, which alarms fire, and the commands on-call runs.
 */
import { record } from '../synthesis/values';
import { queueScalingOf } from '../synthesis/queue-scaling';
import { FAILOVER_ANNOTATION, FAILOVER_TAG } from '../constructs/shared/failover';
import { alarmsOf, appsStackOf, edgeStack, manifestsOf, regionalStacks, tagOf } from './lookups';
import { EnvironmentView, StackView } from './types';

export const SCENARIOS = ['region loss', 'database failover', 'cache loss', 'queue backlog', 'bad deploy'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** One scenario of one environment. */
export interface Runbook {
  readonly scenario: Scenario;
  /** What happens without anyone: failover, recovery, rerouting. */
  readonly automatic: readonly string[];
  /** Names of the alarms that fire (CloudWatch metric or composite alarms, EventBridge rules). */
  readonly alarms: readonly string[];
  /** Shell commands, with this environment's names. */
  readonly commands: readonly string[];
  /** The resource names the commands use (cluster, instance, broker…), for the tests. */
  readonly resources: readonly string[];
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Alarm names of a stack whose name or metric matches. */
function alarmNames(stack: StackView, test: RegExp): string[] {
  const metric = alarmsOf(stack)
    .filter((a) => test.test(a.name) || a.metrics.some((m) => test.test(m.metricName ?? '')))
    .map((a) => a.name);
  const composite = stack
    .resources('aws_cloudwatch_composite_alarm')
    .map((c) => str(c.values.alarm_name))
    .filter((n) => test.test(n));
  return [...metric, ...composite];
}

function kubeconfig(stack: StackView): { command: string; cluster: string } | undefined {
  const cluster = str(stack.resources('aws_eks_cluster')[0]?.values.name);
  return cluster ? { command: `aws eks update-kubeconfig --region ${stack.region} --name ${cluster} --alias ${cluster}`, cluster } : undefined;
}

function hostNames(stack: StackView): string[] {
  return stack.resources('aws_instance').map((i) => tagOf(i, 'Name') ?? i.address);
}

const ssm = (region: string | undefined, host: string) =>
  `aws ssm start-session --region ${region} --target "$(aws ec2 describe-instances --region ${region} --filters Name=tag:Name,Values=${host} Name=instance-state-name,Values=running --query 'Reservations[0].Instances[0].InstanceId' --output text)"`;

function databaseFailover(stack: StackView, environment: EnvironmentView): Runbook | undefined {
  const r = stack.region;
  const primaries = stack.resources('aws_db_instance').filter((d) => d.values.replicate_source_db === undefined);
  const clusters = stack.resources('aws_rds_cluster');
  const crdb = manifestsOf(appsStackOf(environment, stack), 'StatefulSet').filter((s) => s.namespace === 'cockroachdb');
  const hosts = hostNames(stack);
  if (primaries.length > 0) {
    const db = primaries[0];
    const id = str(db.values.identifier);
    const time = tagOf(db, FAILOVER_TAG);
    return {
      scenario: 'database failover',
      automatic: time
        ? [`RDS Multi-AZ fails ${id} over to its standby by itself (${time}); clients reconnect to the same endpoint.`]
        : [`${id} is single-AZ at this stage: nothing fails over; AWS replaces failed hardware, or you restore to a point in time.`],
      alarms: alarmNames(stack, new RegExp(`^${id}`)),
      commands: [
        `aws rds describe-events --region ${r} --source-type db-instance --source-identifier ${id} --duration 120`,
        time
          ? `aws rds reboot-db-instance --region ${r} --db-instance-identifier ${id} --force-failover   # rehearse the failover`
          : `aws rds restore-db-instance-to-point-in-time --region ${r} --source-db-instance-identifier ${id} --target-db-instance-identifier ${id}-restore --use-latest-restorable-time`,
      ],
      resources: [id],
    };
  }
  if (clusters.length > 0) {
    const ids = clusters.map((c) => str(c.values.cluster_identifier));
    return {
      scenario: 'database failover',
      automatic: [
        `Aurora promotes a reader of the failed writer's cluster (${tagOf(clusters[0], FAILOVER_TAG) ?? 'time not stated'}); the cluster endpoint follows.`,
      ],
      alarms: ids.flatMap((id) => alarmNames(stack, new RegExp(`^${id}`))),
      commands: ids.flatMap((id) => [
        `aws rds describe-db-clusters --region ${r} --db-cluster-identifier ${id} --query 'DBClusters[0].DBClusterMembers'`,
        `aws rds failover-db-cluster --region ${r} --db-cluster-identifier ${id}   # rehearse, or force a stuck failover`,
      ]),
      resources: ids,
    };
  }
  if (crdb.length > 0) {
    const kube = kubeconfig(stack);
    const time = crdb.map((s) => str(record(record(s.manifest.metadata)?.annotations)?.[FAILOVER_ANNOTATION])).find((t) => t !== '');
    return {
      scenario: 'database failover',
      automatic: [
        `CockroachDB moves the leases of a lost node's ranges to surviving replicas (${time ?? 'time not stated'}) and re-replicates after 5 minutes; no promotion step.`,
      ],
      alarms: alarmNames(stack, /cockroachdb/),
      commands: [
        ...(kube ? [kube.command] : []),
        `kubectl --context ${kube?.cluster} -n cockroachdb exec ${crdb[0].name}-0 -c cockroachdb -- cockroach node status --certs-dir=/cockroach/cockroach-certs --host=localhost`,
        `kubectl --context ${kube?.cluster} -n cockroachdb get pods -o wide`,
      ],
      resources: [...(kube ? [kube.cluster] : []), crdb[0].name],
    };
  }
  if (hosts.length > 0) {
    return {
      scenario: 'database failover',
      automatic: [`PostgreSQL runs on ${hosts[0]}: a failed status check makes EC2 recover the instance onto new hardware with the same data volume.`],
      alarms: alarmNames(stack, /status-check-failed/),
      commands: [ssm(r, hosts[0]), 'sudo docker compose --project-name product -f /etc/stagecraft/compose.yaml ps postgres'],
      resources: [hosts[0]],
    };
  }
  return undefined;
}

function cacheLoss(stack: StackView): Runbook | undefined {
  const r = stack.region;
  const group = stack.resources('aws_elasticache_replication_group')[0];
  if (group) {
    const id = str(group.values.replication_group_id);
    const time = tagOf(group, FAILOVER_TAG);
    return {
      scenario: 'cache loss',
      automatic: [
        time
          ? `ElastiCache promotes a replica of ${id} (${time}).`
          : `${id} has one node: ElastiCache replaces it empty; the application reads through to the database.`,
        'Keys evict least-recently-used first (allkeys-lru), so a full cache degrades the hit rate, never writes.',
      ],
      alarms: alarmNames(stack, new RegExp(`^${id}`)),
      commands: [
        `aws elasticache describe-replication-groups --region ${r} --replication-group-id ${id} --query 'ReplicationGroups[0].NodeGroups[].NodeGroupMembers'`,
        `aws elasticache describe-events --region ${r} --source-type replication-group --source-identifier ${id} --duration 120`,
      ],
      resources: [id],
    };
  }
  const host = hostNames(stack)[0];
  if (!host) return undefined;
  return {
    scenario: 'cache loss',
    automatic: ['Docker restarts the Redis container (restart: unless-stopped); its append-only file on the data volume reloads the keys.'],
    alarms: alarmNames(stack, /status-check-failed|cpu-high/),
    commands: [
      ssm(r, host),
      'sudo docker compose --project-name product -f /etc/stagecraft/compose.yaml restart redis',
      'sudo docker compose --project-name product -f /etc/stagecraft/compose.yaml exec redis sh -c \'REDISCLI_AUTH="$(cat /run/secrets/redis-auth)" redis-cli config get maxmemory-policy\'',
    ],
    resources: [host],
  };
}

function queueBacklog(stack: StackView, environment: EnvironmentView): Runbook | undefined {
  const r = stack.region;
  const kube = kubeconfig(stack);
  const broker = stack.resources('aws_mq_broker')[0];
  const msk = stack.resources('aws_msk_cluster')[0];
  const hpaWorkers = manifestsOf(appsStackOf(environment, stack), 'HorizontalPodAutoscaler')
    .filter((h) => h.namespace === 'product' && h.name.endsWith('-worker'))
    .map((h) => h.name);
  // Workers scaled on their backlog: the queue-scaler sets their count and logs each decision.
  const queueScaled = manifestsOf(appsStackOf(environment, stack), 'Deployment')
    .filter((d) => d.namespace === 'product' && queueScalingOf(d.manifest) !== undefined)
    .map((d) => d.name);
  const workers = [...hpaWorkers, ...queueScaled];
  const scale = [
    ...hpaWorkers.map((w) => `kubectl --context ${kube?.cluster} -n product get hpa ${w}`),
    ...queueScaled.map((w) => `kubectl --context ${kube?.cluster} -n product get deployment ${w}`),
    ...(queueScaled.length > 0
      ? [`kubectl --context ${kube?.cluster} -n queue-scaler logs deployment/queue-scaler --tail=40   # backlog, pods, decision per worker`]
      : []),
  ];
  if (broker) {
    const name = str(broker.values.broker_name);
    return {
      scenario: 'queue backlog',
      automatic: [
        'Worker autoscalers (HPAs, and the queue-scaler for workers scaled on their backlog) add pods while queues grow; messages a consumer rejects go to the dead-letter queue `dead-letters` (exchange `dlx`), so a poison message does not block its queue.',
      ],
      alarms: alarmNames(stack, new RegExp(`^${name}`)),
      commands: [
        ...(kube ? [kube.command] : []),
        ...scale,
        `aws mq describe-broker --region ${r} --broker-id "$(aws mq list-brokers --region ${r} --query "BrokerSummaries[?BrokerName=='${name}'].BrokerId" --output text)" --query 'BrokerInstances[0].ConsoleURL'   # open Queues; inspect dead-letters`,
      ],
      resources: [name, ...(kube ? [kube.cluster] : []), ...workers],
    };
  }
  if (msk) {
    const name = str(msk.values.cluster_name);
    return {
      scenario: 'queue backlog',
      automatic: [
        'Worker autoscalers (HPAs, and the queue-scaler for workers scaled on their lag) add pods up to the topic partitions; consumers publish poison messages to `<topic>.dlq` and move on.',
      ],
      alarms: alarmNames(stack, new RegExp(`^${name}`)),
      commands: [
        ...(kube ? [kube.command] : []),
        ...scale,
        `aws kafka list-clusters-v2 --region ${r} --cluster-name-filter ${name} --query 'ClusterInfoList[0].ClusterArn'`,
        `aws cloudwatch get-metric-statistics --region ${r} --namespace AWS/Kafka --metric-name SumOffsetLag --dimensions Name=Cluster\\ Name,Value=${name} --statistics Maximum --period 300 --start-time "$(date -u -d '-1 hour' +%FT%TZ)" --end-time "$(date -u +%FT%TZ)"`,
      ],
      resources: [name, ...(kube ? [kube.cluster] : []), ...workers],
    };
  }
  return undefined;
}

function badDeploy(stack: StackView, environment: EnvironmentView): Runbook | undefined {
  const kube = kubeconfig(stack);
  const deployments = manifestsOf(appsStackOf(environment, stack), 'Deployment')
    .filter((d) => d.namespace === 'product')
    .map((d) => d.name);
  if (kube) {
    return {
      scenario: 'bad deploy',
      automatic: ['A rolling update stops when new pods fail their readiness probes; the load balancer keeps sending traffic to the old ones.'],
      alarms: alarmNames(stack, /5xx|p95-latency|unhealthy-targets|slo-burn-fast$|slo-burn-slow$/),
      commands: [
        kube.command,
        // Undo the Deployment that changed; each is listed, ready to paste.
        ...deployments.map((d) => `kubectl --context ${kube.cluster} -n product rollout undo deployment/${d}`),
        `kubectl --context ${kube.cluster} -n product rollout status deployment/api`,
      ],
      resources: [kube.cluster, ...deployments],
    };
  }
  const host = hostNames(stack)[0];
  if (!host) return undefined;
  return {
    scenario: 'bad deploy',
    automatic: [
      '`docker compose up --wait` fails when a new container is not healthy: the host puts its previous release back and the delivery stops before the next host (docs/releases.md).',
    ],
    alarms: alarmNames(stack, /status-check-failed|cpu-high/),
    commands: [
      ssm(stack.region, host),
      'sudo journalctl -u stagecraft.service -n 100',
      'sudo stagecraft-release rollback   # the previous release back on this host, at once (docs/releases.md)',
      'git checkout <previous release> && stagecraft synth && cdktf deploy   # the previous image tags: State Manager applies them to every host',
    ],
    resources: [host],
  };
}

function regionLoss(environment: EnvironmentView, stacks: readonly StackView[]): Runbook {
  const edge = edgeStack(environment);
  const pools = (edge?.resources('cloudflare_load_balancer_pool') ?? []).map((p) => str(p.values.name));
  const backupVaults = stacks.flatMap((s) => s.resources('aws_backup_vault').map((v) => str(v.values.name)));
  if (stacks.length > 1) {
    return {
      scenario: 'region loss',
      automatic: [
        `Cloudflare's load balancer health monitors take the lost region's pool out (${pools.join(', ')}); the edge Worker retries the next region.`,
        'CockroachDB survives the region (SURVIVE REGION FAILURE): the remaining regions keep quorum.',
        'Each remaining region is sized for the peak with one region lost.',
      ],
      alarms: stacks.flatMap((s) => alarmNames(s, /unhealthy-targets|cockroachdb-underreplicated|slo-burn-fast$/)),
      commands: [
        ...stacks.map((s) => kubeconfig(s)?.command ?? ''),
        'curl -sS -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" "https://api.cloudflare.com/client/v4/accounts/$CLOUDFLARE_ACCOUNT_ID/load_balancers/pools" | jq \'.result[] | {name, healthy}\'',
      ].filter((c) => c !== ''),
      resources: [...pools, ...stacks.map((s) => kubeconfig(s)?.cluster ?? '').filter((c) => c !== '')],
    };
  }
  const s = stacks[0];
  return {
    scenario: 'region loss',
    automatic: [`Nothing: ${environment.stage} runs in ${s.region} alone (multi-region starts at massive). Cloudflare keeps serving cached static content.`],
    alarms: [
      ...alarmNames(s, /unhealthy-targets|status-check-failed|slo-burn-fast$/),
      // A restore from the vault that fails reaches the alarm topic through this rule.
      ...s
        .resources('aws_cloudwatch_event_rule')
        .map((r) => str(r.values.name))
        .filter((n) => n.endsWith('-restore-failed')),
    ],
    commands: [
      `aws backup list-recovery-points-by-backup-vault --region ${s.region} --backup-vault-name ${backupVaults[0]} --max-results 5`,
      '# Recovery into another region needs copies there: restore from the latest recovery points once the region is back, or copy them (aws backup start-copy-job) ahead of time.',
    ],
    resources: backupVaults.slice(0, 1),
  };
}

/** The runbooks of one environment: region loss for the whole of it, the rest for one region (the first by stack name). */
export function runbooksOf(environment: EnvironmentView): Runbook[] {
  const stacks = regionalStacks(environment);
  const primary = stacks[0];
  if (!primary) return [];
  const books: Array<Runbook | undefined> = [
    regionLoss(environment, stacks),
    databaseFailover(primary, environment),
    cacheLoss(primary),
    queueBacklog(primary, environment),
    badDeploy(primary, environment),
  ];
  return books.filter((b): b is Runbook => b !== undefined);
}

/** The runbooks as one Markdown page. */
export function renderRunbooks(environment: EnvironmentView, books: readonly Runbook[]): string {
  const regions = regionalStacks(environment)
    .map((s) => s.region)
    .join(', ');
  const out = [
    `# Runbooks: ${environment.name} (${environment.stage ?? 'stage unknown'})`,
    '',
    `Generated by \`stagecraft readiness --runbooks\` from the synthesized stacks of ${environment.name} (${regions}); every alarm and resource named here exists in them.`,
    `Per-region commands name ${regionalStacks(environment)[0]?.region ?? 'the region'}; the other regions have the same resources under their own prefix.`,
    '',
  ];
  for (const book of books) {
    out.push(`## ${book.scenario[0].toUpperCase()}${book.scenario.slice(1)}`, '', '**What the platform does by itself**', '');
    out.push(...book.automatic.map((a) => `- ${a}`), '', '**Alarms that fire**', '');
    out.push(...(book.alarms.length > 0 ? book.alarms.map((a) => `- \`${a}\``) : ['- none at this stage']), '', '**Commands**', '', '```sh');
    out.push(...book.commands, '```', '');
  }
  return `${out.join('\n')}`;
}

/** Every alarm name of an environment (metric, composite) and EventBridge rule names: what runbooks may cite. */
export function citableNames(environment: EnvironmentView): Set<string> {
  const names = new Set<string>();
  for (const s of environment.stacks) {
    for (const t of ['aws_cloudwatch_metric_alarm', 'aws_cloudwatch_composite_alarm']) for (const a of s.resources(t)) names.add(str(a.values.alarm_name));
    for (const r of s.resources('aws_cloudwatch_event_rule')) names.add(str(r.values.name));
  }
  return names;
}
