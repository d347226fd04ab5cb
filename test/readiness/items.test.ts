/**
 * Each readiness item over a compliant fixture (an example environment as synthesized) and a
 * non-compliant one (the same stacks with the item taken out), with the exact message.
 */
import { defaultNodePort } from '../../config/service-definition';
import { ALL_ITEMS } from '../../readiness/items';
import { LoadBalancerHealthChecks } from '../../readiness/items/LoadBalancerHealthChecks';
import { ReplicationLagAlarms } from '../../readiness/items/ReplicationLagAlarms';
import { RedisEviction } from '../../readiness/items/RedisEviction';
import { RateLimiting } from '../../readiness/items/RateLimiting';
import { OnCallRotation } from '../../readiness/items/OnCallRotation';
import { RestoreTests } from '../../readiness/items/RestoreTests';
import { DeadLetterQueues } from '../../readiness/items/DeadLetterQueues';
import { DatabaseFailover } from '../../readiness/items/DatabaseFailover';
import { Dashboard } from '../../readiness/items/Dashboard';
import { SloBurnRateAlarms } from '../../readiness/items/SloBurnRateAlarms';
import { PagerRouting } from '../../readiness/items/PagerRouting';
import { SearchIndexRotation } from '../../readiness/items/SearchIndexRotation';
import { DistributedTracing } from '../../readiness/items/DistributedTracing';
import { redisMaxMemoryMiB } from '../../services/compose';
import { bodies, drop, environment, examples, editObjects } from './fixtures';

describe('readiness items', () => {
  it('have unique ids and names, one file each', () => {
    expect(new Set(ALL_ITEMS.map((i) => i.id)).size).toBe(ALL_ITEMS.length);
    expect(new Set(ALL_ITEMS.map((i) => i.name)).size).toBe(ALL_ITEMS.length);
  });

  describe('RDY-1 LoadBalancerHealthChecks', () => {
    // One target group per public service port, named by its node port: the api's, then the gateway's.
    const groups = ['api', 'websocket-gateway'].map((service) => `acme-growth-us-east-1-${defaultNodePort(service, 'http')}`);
    it('holds on growth: the ALB target group checks every 5 s, out after 3 failures', () => {
      expect(LoadBalancerHealthChecks.evaluate(environment('growth'))).toEqual({
        status: 'held',
        detail: groups.map((g) => `${g}: every 5 s, out after 3 failures`).join('; '),
      });
    });
    it('is missing when the interval is the provider default', () => {
      const edited = environment('growth', ({ json }) => bodies(json, 'aws_lb_target_group').forEach((g) => delete (g.health_check as any).interval));
      expect(LoadBalancerHealthChecks.evaluate(edited)).toEqual({
        status: 'missing',
        message: groups.map((g) => `${g}: health check interval is the provider default (30 s); at most 5 s`).join('; '),
      });
    });
    it('is missing when a target stays in for 5 failures', () => {
      const edited = environment('growth', ({ json }) => bodies(json, 'aws_lb_target_group').forEach((g) => ((g.health_check as any).unhealthy_threshold = 5)));
      expect(LoadBalancerHealthChecks.evaluate(edited)).toEqual({
        status: 'missing',
        message: groups.map((g) => `${g}: a target is unhealthy after 5 failures; at most 3`).join('; '),
      });
    });
    it('does not apply on launch, which has no load balancer', () => {
      expect(LoadBalancerHealthChecks.evaluate(environment('launch')).status).toBe('not-applicable');
    });
  });

  describe('RDY-2 ReplicationLagAlarms', () => {
    it('holds on growth (RDS ReplicaLag) and scale (AuroraReplicaLag)', () => {
      expect(ReplicationLagAlarms.evaluate(environment('growth'))).toEqual({
        status: 'held',
        detail: 'acme-growth-us-east-1-postgres-replica-0-replica-lag (ReplicaLag > 1 s)',
      });
      expect(ReplicationLagAlarms.evaluate(environment('scale'))).toEqual({
        status: 'held',
        detail: 'acme-scale-us-west-2-aurora: 2 AuroraReplicaLag alarms at 1000 ms',
      });
    });
    it('is missing when the RDS replica alarm is gone', () => {
      const edited = environment('growth', ({ json }) => {
        for (const [name, alarm] of Object.entries(json.resource.aws_cloudwatch_metric_alarm ?? {}))
          if (alarm.metric_name === 'ReplicaLag') delete json.resource.aws_cloudwatch_metric_alarm[name];
      });
      expect(ReplicationLagAlarms.evaluate(edited)).toEqual({
        status: 'missing',
        message: 'RDS replica acme-growth-us-east-1-postgres-replica-0 has no ReplicaLag alarm at 1 s or less',
      });
    });
    it('is missing when an Aurora lag alarm allows 5 s', () => {
      const edited = environment('scale', ({ json }) =>
        bodies(json, 'aws_cloudwatch_metric_alarm')
          .filter((a) => a.metric_name === 'AuroraReplicaLag')
          .forEach((a) => (a.threshold = 5000)),
      );
      expect(ReplicationLagAlarms.evaluate(edited)).toEqual({
        status: 'missing',
        message: 'Aurora cluster acme-scale-us-west-2-aurora: 2 readers, 0 AuroraReplicaLag alarms at 1000 ms or less',
      });
    });
    it('does not apply on launch, which has one database on the host', () => {
      expect(ReplicationLagAlarms.evaluate(environment('launch')).status).toBe('not-applicable');
    });
  });

  describe('RDY-3 RedisEviction', () => {
    it('holds on traction: the ElastiCache parameter group evicts allkeys-lru', () => {
      // The group's name ends in a hash of its force-new arguments (it is replaced before it is destroyed).
      expect(RedisEviction.evaluate(environment('traction'))).toEqual({
        status: 'held',
        detail: expect.stringMatching(
          /^acme-traction-eu-west-1-redis: parameter group acme-traction-eu-west-1-redis7-[0-9a-f]{8} sets maxmemory-policy allkeys-lru$/,
        ),
      });
    });
    it('is missing when the parameter group leaves the engine default', () => {
      const edited = environment('traction', ({ json }) => bodies(json, 'aws_elasticache_parameter_group').forEach((p) => (p.parameter = [])));
      expect(RedisEviction.evaluate(edited)).toEqual({
        status: 'missing',
        message: 'acme-traction-eu-west-1-redis: maxmemory-policy is the engine default (volatile-lru); set allkeys-lru in its parameter group',
      });
    });
  });

  describe('RDY-8 RateLimiting', () => {
    it('holds on growth with the Cloudflare rate-limit ruleset', () => {
      // As many rules as the edge stack synthesized for growth's Cloudflare plan (Pro: the per-IP rules it accepts).
      const edge = examples().stacks.find((s) => s.name === 'acme-growth-edge')!;
      const rulesets = Object.values((edge.json.resource?.cloudflare_ruleset ?? {}) as Record<string, { phase?: string; rules?: unknown[] }>);
      const synthesized = rulesets.find((r) => r.phase === 'http_ratelimit')?.rules?.length ?? 0;
      const outcome = RateLimiting.evaluate(environment('growth'));
      expect(synthesized).toBeGreaterThan(0);
      expect(outcome.status).toBe('held');
      expect(outcome.status === 'held' && outcome.detail.startsWith(`${synthesized} Cloudflare rate-limit rules: `)).toBe(true);
    });
    it('is missing when the ruleset is gone', () => {
      const edited = environment('growth', ({ json }) => {
        for (const [name, r] of Object.entries(json.resource.cloudflare_ruleset ?? {}))
          if (r.phase === 'http_ratelimit') delete json.resource.cloudflare_ruleset[name];
      });
      expect(RateLimiting.evaluate(edited)).toEqual({
        status: 'missing',
        message: 'acme-growth-edge: no Cloudflare rate-limit ruleset (phase http_ratelimit)',
      });
    });
    it('does not apply before growth', () => {
      expect(RateLimiting.evaluate(environment('traction')).status).toBe('not-applicable');
    });
  });

  it('RDY-13 OnCallRotation cannot be held by infrastructure and says what to do instead', () => {
    const outcome = OnCallRotation.evaluate(environment('launch'));
    expect(outcome.status).toBe('not-infrastructure');
    expect(outcome.status === 'not-infrastructure' && outcome.instead).toContain('alerts.pagerEndpoint');
  });
  describe('RDY-3 RedisEviction on the launch host', () => {
    it('holds: redis-server runs with a maxmemory and allkeys-lru', () => {
      expect(RedisEviction.evaluate(environment('launch'))).toEqual({
        status: 'held',
        detail: `acme-launch-us-east-1 release/compose.yaml: Redis on the host with --maxmemory ${redisMaxMemoryMiB(512)}mb --maxmemory-policy allkeys-lru`,
      });
    });
    it("is missing when the flags are gone from the release's compose file", () => {
      const edited = environment('launch', ({ json }) =>
        bodies(json, 'aws_s3_object').forEach((o) => (o.content = String(o.content).replace(/ --maxmemory \d+mb --maxmemory-policy allkeys-lru/, ''))),
      );
      expect(RedisEviction.evaluate(edited)).toEqual({
        status: 'missing',
        message:
          'acme-launch-us-east-1 release/compose.yaml: Redis on the host runs with maxmemory-policy noeviction (the default); pass --maxmemory-policy allkeys-lru',
      });
    });
  });

  describe('RDY-5 RestoreTests', () => {
    it('holds on launch (EC2 and EBS) and scale (Aurora)', () => {
      expect(RestoreTests.evaluate(environment('launch'))).toEqual({
        status: 'held',
        detail:
          'acme-launch-us-east-1: acme_launch_us_east_1_restore_test restores EBS, EC2 on cron(0 5 ? * SUN *); failures go to acme-launch-us-east-1-restore-failed',
      });
      expect(RestoreTests.evaluate(environment('scale')).status).toBe('held');
    });
    it('is missing without a restore testing plan', () => {
      const edited = environment('scale', ({ json }) => drop(json, 'aws_backup_restore_testing_plan'));
      expect(RestoreTests.evaluate(edited)).toEqual({
        status: 'missing',
        message: 'acme-scale-us-west-2: backups are taken but never restored (no aws_backup_restore_testing_plan)',
      });
    });
    it('is missing when a failed restore reaches no one', () => {
      const edited = environment('scale', ({ json }) => drop(json, 'aws_cloudwatch_event_target'));
      expect(RestoreTests.evaluate(edited)).toEqual({
        status: 'missing',
        message: 'acme-scale-us-west-2: a failed restore job reaches no one (no EventBridge rule on "Restore Job State Change" FAILED with a target)',
      });
    });
  });

  describe('RDY-6 DeadLetterQueues for Kafka', () => {
    it('holds on hyperscale: every Kafka consumer is told the dead-letter topic suffix', () => {
      expect(DeadLetterQueues.evaluate(environment('hyperscale'))).toEqual({
        status: 'held',
        detail: 'acme-hyperscale-us-east-1-kafka: 2 services publish poison messages to <topic>.dlq',
      });
    });
    it('is missing when a consumer is not told', () => {
      const edited = environment('hyperscale', ({ name, json }) => {
        if (!name.endsWith('-apps')) return;
        editObjects(json, (m) => {
          if (m.kind !== 'Deployment' || m.metadata.name !== 'analytics-worker') return;
          for (const c of m.spec.template.spec.containers) c.env = c.env.filter((e: any) => e.name !== 'KAFKA_DEAD_LETTER_TOPIC_SUFFIX');
        });
      });
      expect(DeadLetterQueues.evaluate(edited)).toEqual({
        status: 'missing',
        message: 'acme-hyperscale-us-east-1-kafka: analytics-worker not told the dead-letter topic suffix (KAFKA_DEAD_LETTER_TOPIC_SUFFIX)',
      });
    });
  });

  describe('RDY-7 DatabaseFailover', () => {
    it('holds on growth with the expected failover times stated', () => {
      expect(DatabaseFailover.evaluate(environment('growth'))).toEqual({
        status: 'held',
        detail:
          'RDS acme-growth-us-east-1-postgres: 60-120 s: the standby is promoted and the endpoint DNS moves to it; ElastiCache acme-growth-us-east-1-redis: under 60 s: a replica is promoted and the primary endpoint follows',
      });
    });
    it('is missing when the RDS primary is not Multi-AZ', () => {
      const edited = environment('growth', ({ json }) =>
        bodies(json, 'aws_db_instance').forEach((d) => d.replicate_source_db === undefined && (d.multi_az = false)),
      );
      expect(DatabaseFailover.evaluate(edited)).toEqual({
        status: 'missing',
        message: 'RDS acme-growth-us-east-1-postgres: not Multi-AZ; a zone loss means a restore',
      });
    });
    it('does not apply before growth', () => {
      expect(DatabaseFailover.evaluate(environment('traction')).status).toBe('not-applicable');
    });
  });

  describe('RDY-10 Dashboard', () => {
    it('holds on launch and growth', () => {
      expect(Dashboard.evaluate(environment('launch'))).toEqual({ status: 'held', detail: 'acme-launch-us-east-1: dashboard acme-launch-us-east-1' });
      expect(Dashboard.evaluate(environment('growth'))).toEqual({ status: 'held', detail: 'acme-growth-us-east-1: dashboard acme-growth-us-east-1' });
    });
    it('is missing without a dashboard', () => {
      expect(Dashboard.evaluate(environment('growth', ({ json }) => drop(json, 'aws_cloudwatch_dashboard')))).toEqual({
        status: 'missing',
        message: 'acme-growth-us-east-1: no CloudWatch dashboard',
      });
    });
  });

  describe('RDY-11 SloBurnRateAlarms', () => {
    it('holds on scale: two paging composites over long and short windows', () => {
      const outcome = SloBurnRateAlarms.evaluate(environment('scale'));
      expect(outcome.status).toBe('held');
      expect(outcome.status === 'held' && outcome.detail).toContain('acme-scale-us-west-2-slo-burn-fast, acme-scale-us-west-2-slo-burn-slow');
      expect(outcome.status === 'held' && outcome.detail).toContain('SLO 99.95% over 30 days: an error budget of 21.6 minutes per window, 4.38 hours a year');
    });
    it('is missing without the composites', () => {
      expect(SloBurnRateAlarms.evaluate(environment('scale', ({ json }) => drop(json, 'aws_cloudwatch_composite_alarm')))).toEqual({
        status: 'missing',
        message: 'acme-scale-us-west-2: 0 paging burn-rate alarms (a composite of a long and a short window on the 5xx/request ratio); at least 2 (set `slo`)',
      });
    });
    it('does not apply on traction, which has no load balancer', () => {
      expect(SloBurnRateAlarms.evaluate(environment('traction')).status).toBe('not-applicable');
    });
  });

  describe('RDY-12 PagerRouting', () => {
    it('holds when the alarm topic has the https pager subscription', () => {
      expect(PagerRouting.evaluate(environment('traction'))).toEqual({ status: 'held', detail: 'acme-traction-eu-west-1-alarms → https pager endpoint' });
    });
    it('is missing with email subscriptions only', () => {
      const edited = environment('launch', ({ json }) =>
        bodies(json, 'aws_sns_topic_subscription').forEach((sub) => sub.protocol === 'https' && (sub.protocol = 'email')),
      );
      expect(PagerRouting.evaluate(edited)).toEqual({
        status: 'missing',
        message: 'acme-launch-us-east-1-alarms: no https subscription; set alerts.pagerEndpoint so alarms page someone',
      });
    });
  });
  describe('RDY-2 ReplicationLagAlarms on CockroachDB', () => {
    it('holds on massive: the collector publishes CockroachDB metrics that the lag alarms watch', () => {
      const outcome = ReplicationLagAlarms.evaluate(environment('massive'));
      expect(outcome.status).toBe('held');
      expect(outcome.status === 'held' && outcome.detail).toContain(
        "acme-massive-us-east-1-cockroachdb-replica-lag (CockroachDB metrics scraped by the region's collector into Stagecraft/CockroachDB)",
      );
    });
    it('is missing when the alarms are gone', () => {
      const edited = environment('massive', ({ json }) => {
        for (const [name, alarm] of Object.entries(json.resource.aws_cloudwatch_metric_alarm ?? {}))
          if (alarm.namespace === 'Stagecraft/CockroachDB') delete json.resource.aws_cloudwatch_metric_alarm[name];
      });
      const outcome = ReplicationLagAlarms.evaluate(edited);
      expect(outcome.status === 'missing' && outcome.message.split('; ')[0]).toBe(
        'acme-massive-ap-northeast-1: CockroachDB has no replication alarm on Stagecraft/CockroachDB (ranges_underreplicated or kv_closed_timestamp_max_behind_nanos)',
      );
    });
    it('is missing when no collector publishes the metrics', () => {
      const edited = environment('massive', ({ name, json }) => {
        if (name !== 'acme-massive-us-east-1-apps') return;
        editObjects(json, (m) => !(m.kind === 'ConfigMap' && m.metadata.name === 'otel-collector'));
      });
      expect(ReplicationLagAlarms.evaluate(edited)).toEqual({
        status: 'missing',
        message:
          'acme-massive-us-east-1: acme-massive-us-east-1-cockroachdb-replica-lag watches Stagecraft/CockroachDB, but no collector in the apps stack publishes it',
      });
    });
  });

  describe('RDY-4 SearchIndexRotation', () => {
    it('holds on growth: a Job applies the monthly rollover policy', () => {
      const outcome = SearchIndexRotation.evaluate(environment('growth'));
      expect(outcome.status).toBe('held');
      expect(outcome.status === 'held' && outcome.detail).toMatch(
        /^acme-growth-us-east-1-search: Job operations\/search-index-rotation-[0-9a-f]{8} applies a rollover policy \(min_index_age 30d\)$/,
      );
    });
    it('is missing without the Job', () => {
      const edited = environment('growth', ({ name, json }) => {
        if (!name.endsWith('-apps')) return;
        editObjects(json, (m) => !(m.kind === 'Job' && m.metadata.namespace === 'operations'));
      });
      expect(SearchIndexRotation.evaluate(edited)).toEqual({
        status: 'missing',
        message: 'acme-growth-us-east-1-search: no Job in acme-growth-us-east-1-apps applies an ISM policy with a rollover (ISM_POLICY)',
      });
    });
    it('does not apply on traction', () => {
      expect(SearchIndexRotation.evaluate(environment('traction')).status).toBe('not-applicable');
    });
  });

  describe('RDY-6 DeadLetterQueues for RabbitMQ', () => {
    it('holds on scale: a Job applies the dead-letter policy', () => {
      const outcome = DeadLetterQueues.evaluate(environment('scale'));
      expect(outcome.status === 'held' && outcome.detail).toMatch(
        /^acme-scale-us-west-2-rabbitmq: Job operations\/rabbitmq-dead-letters-[0-9a-f]{8} applies a dead-letter policy to every queue$/,
      );
    });
    it('is missing when the policy has no dead-letter-exchange', () => {
      const edited = environment('scale', ({ name, json }) => {
        if (!name.endsWith('-apps')) return;
        editObjects(json, (m) => {
          if (m.kind !== 'Job' || m.metadata.namespace !== 'operations') return;
          for (const c of m.spec.template.spec.containers) c.env = c.env.filter((e: any) => e.name !== 'RABBITMQ_DEAD_LETTER_POLICY');
        });
      });
      expect(DeadLetterQueues.evaluate(edited)).toEqual({
        status: 'missing',
        message:
          'acme-scale-us-west-2-rabbitmq: no Job in acme-scale-us-west-2-apps and no rabbitmq-users service of the hosts applies a RabbitMQ policy with a dead-letter-exchange (RABBITMQ_DEAD_LETTER_POLICY)',
      });
    });
  });

  describe('RDY-9 DistributedTracing', () => {
    it('holds on growth: a collector, and every service told where to send spans', () => {
      expect(DistributedTracing.evaluate(environment('growth'))).toEqual({
        status: 'held',
        detail: 'acme-growth-us-east-1-apps: 6 services send spans to observability/otel-collector, which exports to X-Ray',
      });
    });
    it('is missing when a service is not told', () => {
      const edited = environment('growth', ({ name, json }) => {
        if (!name.endsWith('-apps')) return;
        editObjects(json, (m) => {
          if (m.kind !== 'Deployment' || m.metadata.name !== 'api') return;
          for (const c of m.spec.template.spec.containers) c.env = c.env.filter((e: any) => e.name !== 'OTEL_EXPORTER_OTLP_ENDPOINT');
        });
      });
      expect(DistributedTracing.evaluate(edited)).toEqual({
        status: 'missing',
        message: 'acme-growth-us-east-1-apps: api not told where to send spans (OTEL_EXPORTER_OTLP_ENDPOINT)',
      });
    });
    it('does not apply on launch', () => {
      expect(DistributedTracing.evaluate(environment('launch')).status).toBe('not-applicable');
    });
  });
});
