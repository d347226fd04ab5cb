/**
 * Each readiness item over a compliant fixture (an example environment as synthesized) and a
 * non-compliant one (the same stacks with the item taken out), with the exact message.
 */
import { ALL_ITEMS } from '../../readiness/items';
import { LoadBalancerHealthChecks } from '../../readiness/items/LoadBalancerHealthChecks';
import { ReplicationLagAlarms } from '../../readiness/items/ReplicationLagAlarms';
import { RedisEviction } from '../../readiness/items/RedisEviction';
import { RateLimiting } from '../../readiness/items/RateLimiting';
import { OnCallRotation } from '../../readiness/items/OnCallRotation';
import { bodies, environment } from './fixtures';

describe('readiness items', () => {
  it('have unique ids and names, one file each', () => {
    expect(new Set(ALL_ITEMS.map((i) => i.id)).size).toBe(ALL_ITEMS.length);
    expect(new Set(ALL_ITEMS.map((i) => i.name)).size).toBe(ALL_ITEMS.length);
  });

  describe('RDY-1 LoadBalancerHealthChecks', () => {
    it('holds on growth: the ALB target group checks every 5 s, out after 3 failures', () => {
      expect(LoadBalancerHealthChecks.evaluate(environment('growth'))).toEqual({
        status: 'held',
        detail: 'acme-growth-us-east-1-api: every 5 s, out after 3 failures',
      });
    });
    it('is missing when the interval is the provider default', () => {
      const edited = environment('growth', ({ json }) => bodies(json, 'aws_lb_target_group').forEach((g) => delete (g.health_check as any).interval));
      expect(LoadBalancerHealthChecks.evaluate(edited)).toEqual({
        status: 'missing',
        message: 'acme-growth-us-east-1-api: health check interval is the provider default (30 s); at most 5 s',
      });
    });
    it('is missing when a target stays in for 5 failures', () => {
      const edited = environment('growth', ({ json }) => bodies(json, 'aws_lb_target_group').forEach((g) => ((g.health_check as any).unhealthy_threshold = 5)));
      expect(LoadBalancerHealthChecks.evaluate(edited)).toEqual({
        status: 'missing',
        message: 'acme-growth-us-east-1-api: a target is unhealthy after 5 failures; at most 3',
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
      expect(RedisEviction.evaluate(environment('traction'))).toEqual({
        status: 'held',
        detail: 'acme-traction-eu-west-1-redis: parameter group acme-traction-eu-west-1-redis7 sets maxmemory-policy allkeys-lru',
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
      const outcome = RateLimiting.evaluate(environment('growth'));
      expect(outcome.status).toBe('held');
      expect(outcome.status === 'held' && outcome.detail.startsWith('5 Cloudflare rate-limit rules: ')).toBe(true);
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
});
