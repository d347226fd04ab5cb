/**
 * The request-path rules (SC-REQ-*) on the example environments: every public port of every
 * cluster example is reachable and every service reaches its stores; then the real stacks with one
 * link removed (a listener rule, a registration, a route to a data store) fail, naming the link,
 * the service and the stack.
 */
import { readSynthesis } from '../../synthesis/read';
import { Synthesis, stackViews } from '../../synthesis/stack-views';
import { checkSynthesis } from '../../policies/engine';
import { PublicServiceReachable } from '../../policies/rules/request-path/PublicServiceReachable';
import { DataStoreNetworkPath } from '../../policies/rules/request-path/DataStoreNetworkPath';
import { OriginMonitorRouted } from '../../policies/rules/request-path/OriginMonitorRouted';
import { StackOutcome, StackRule } from '../../policies/types';
import { publicPorts } from '../../config/service-definition';
import { projectServiceCatalog } from '../../config/services';
import { synthesizeExamples } from '../helpers/examples';

let synthesis: Synthesis;
beforeAll(() => {
  const examples = synthesizeExamples();
  synthesis = readSynthesis(examples.outdir, { command: 'test', flag: '--out', given: 'examples' });
});

const APPS_STACKS = ['acme-growth-us-east-1-apps', 'acme-scale-us-west-2-apps', 'acme-hyperscale-us-east-1-apps'].concat(
  ['us-east-1', 'eu-west-1', 'ap-northeast-1'].map((r) => `acme-massive-${r}-apps`),
);

function outcomes(rule: StackRule, of: Synthesis, stack: string): StackOutcome[] {
  return [...rule.evaluate(stackViews(of).find((s) => s.name === stack)!)];
}

/** The synthesis with `edit` applied to a copy of `stack`'s JSON. */
function edited(stack: string, edit: (json: any) => void): Synthesis {
  return {
    ...synthesis,
    stacks: synthesis.stacks.map((s) => {
      if (s.name !== stack) return s;
      const json = structuredClone(s.json) as any;
      edit(json);
      return { ...s, json };
    }),
  };
}

const findings = (of: Synthesis) =>
  checkSynthesis(of)
    .findings.filter((f) => f.family === 'request-path')
    .map((f) => `${f.stack} ${f.ruleId} ${f.message}`);

describe('request path on the examples', () => {
  it('reaches every public port of every cluster example, link by link', () => {
    const catalog = projectServiceCatalog().services;
    const publicServices = catalog.filter((s) => publicPorts(s).length > 0).map((s) => s.name);
    for (const stack of APPS_STACKS) {
      const results = outcomes(PublicServiceReachable, synthesis, stack);
      expect(results.map((o) => o.status)).toEqual(publicServices.map(() => 'compliant'));
    }
  });

  it("takes the massive example's load balancer monitor probes by each region's origin-health rule, and fails without it", () => {
    const regions = ['us-east-1', 'eu-west-1', 'ap-northeast-1'];
    expect(outcomes(OriginMonitorRouted, synthesis, 'acme-massive-edge').map((o) => o.status)).toEqual(regions.map(() => 'compliant'));
    // Here the every-host catch-all (*.<domain>) would take the probe too; with no rule left, the listener's 404 answers it.
    const bare = edited('acme-massive-edge', (json) => {
      for (const name of Object.keys(json.resource.aws_lb_listener_rule)) delete json.resource.aws_lb_listener_rule[name];
    });
    const failed = outcomes(OriginMonitorRouted, bare, 'acme-massive-edge');
    expect(failed.map((o) => o.status)).toEqual(regions.map(() => 'non-compliant'));
    expect(failed.map((o) => (o.status === 'non-compliant' ? o.message : ''))[0]).toContain('default action answers it with fixed-response');
  });

  it('finds a network path from every service to every data store it declares', () => {
    for (const stack of APPS_STACKS) {
      const results = outcomes(DataStoreNetworkPath, synthesis, stack);
      expect(results.length).toBeGreaterThanOrEqual(10);
      expect(results.filter((o) => o.status !== 'compliant')).toEqual([]);
    }
  });

  it('does not apply to the single-host examples, which have no apps stack', () => {
    for (const stack of ['acme-launch-us-east-1', 'acme-traction-eu-west-1']) {
      expect(outcomes(PublicServiceReachable, synthesis, stack).map((o) => o.status)).toEqual(['not-applicable']);
    }
  });

  it('fails without the listener rule of the WebSocket path, naming the link, the service and the stack', () => {
    const broken = edited('acme-growth-edge', (json) => delete json.resource.aws_lb_listener_rule['https-us-east-1-websocket-gateway-http']);
    expect(findings(broken)).toEqual([
      expect.stringMatching(
        /^acme-growth-us-east-1-apps SC-REQ-1 listener rule: no rule of acme-growth-edge's aws_lb_listener\.https-us-east-1 forwards to aws_lb_target_group\.target-websocket-gateway-http_target-group_\w+ \(service websocket-gateway, port http, stack acme-growth-us-east-1-apps\)$/,
      ),
    ]);
  });

  it('fails without a registration in one massive region, and only there', () => {
    const broken = edited('acme-massive-eu-west-1', (json) => {
      const attachments = json.resource.aws_autoscaling_attachment;
      for (const name of Object.keys(attachments)) if (name.startsWith('target-api-http_')) delete attachments[name];
    });
    expect(findings(broken)).toEqual([
      expect.stringMatching(
        /^acme-massive-eu-west-1-apps SC-REQ-1 registration: no aws_autoscaling_attachment attaches a node group's Auto Scaling group to aws_lb_target_group\.target-api-http_target-group_\w+ \(service api, port http, stack acme-massive-eu-west-1-apps\)$/,
      ),
    ]);
  });

  it('fails without the security group rule that admits the cluster to Redis, for every service that declares Redis', () => {
    const broken = edited('acme-growth-us-east-1', (json) => {
      const rules = json.resource.aws_vpc_security_group_ingress_rule;
      for (const name of Object.keys(rules)) if (name.startsWith('redis_ingress-client-')) delete rules[name];
    });
    const redisUsers = projectServiceCatalog()
      .services.filter((s) => s.stages.includes('growth') && s.dataStores.includes('redis'))
      .map((s) => s.name)
      .sort();
    expect(findings(broken)).toEqual(
      redisUsers.map(
        (service) =>
          `acme-growth-us-east-1-apps SC-REQ-2 security group rule: no rule admits the nodes' security group to aws_security_group.redis_security-group_4B1688C4 on port 6379 (service ${service}, data store redis, stack acme-growth-us-east-1-apps)`,
      ),
    );
  });

  it("fails without the api's NetworkPolicy egress to the database", () => {
    const broken = edited('acme-massive-us-east-1-apps', (json) => {
      for (const policy of Object.values<any>(json.resource.kubernetes_network_policy_v1)) {
        if (policy.metadata.name === 'api') policy.spec.egress = policy.spec.egress.filter((e: any) => !e.ports.some((p: any) => String(p.port) === '26257'));
      }
    });
    expect(findings(broken)).toEqual([
      'acme-massive-us-east-1-apps SC-REQ-2 NetworkPolicy egress: no policy lets api out to port 26257 (service api, data store database, stack acme-massive-us-east-1-apps)',
    ]);
  });
});
