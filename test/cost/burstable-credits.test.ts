/**
 * A burstable host in unlimited mode pays surplus CPU credits for its average load above its
 * baseline. The expected amounts are the catalog's credit price × (the sizing's host load − the
 * type's baseline) × the month's hours, multiplied out here from the launch and traction examples.
 */
import { CATALOG } from '../../cost/catalog';
import { priceSizedEnvironment } from '../../cost/estimate';
import { sizeBlueprint } from '../../sizing/blueprint';
import { BURSTABLE_BASELINE_VCPU } from '../../sizing/instance-specs';
import { StackJson } from '../../synthesis/stack-views';
import { synthesizeExamples } from '../helpers/examples';

const examples = synthesizeExamples();
const CREDIT = /^surplus CPU credits/;

function hostLines(stage: string, edit?: (json: StackJson) => void) {
  const environment = examples.environments.find((e) => e.stage === stage)!;
  const sized = { environment, ...sizeBlueprint(environment) };
  const stacks = examples.summaries
    .filter((s) => s.environment === environment.name)
    .map((s) => {
      const json = structuredClone(examples.stack(s.name)) as StackJson;
      edit?.(json);
      return { name: s.name, json };
    });
  const cost = priceSizedEnvironment(sized, stacks);
  const hosts = cost.stacks.flatMap((s) => s.resources).filter((r) => r.type === 'aws_instance');
  return { sized, hosts };
}

describe('surplus CPU credits of burstable hosts', () => {
  it('bills the launch host for its average load above a t3.medium baseline, and none above a t3.xlarge one', () => {
    // Launch's containers reserve more than a t3.medium holds, so its host is a t3.xlarge (sizing/host-fit.ts),
    // whose 1.6 vCPU baseline the load stays under; on the stage's own t3.medium it pays the surplus.
    const synthesized = hostLines('launch');
    expect(synthesized.sized.blueprint.hosts!.instanceType).toBe('t3.xlarge');
    expect(synthesized.sized.report.derived!.hostsAverageVcpu!).toBeLessThan(BURSTABLE_BASELINE_VCPU['t3.xlarge']);
    expect(synthesized.hosts.flatMap((h) => h.components).filter((c) => CREDIT.test(c.description))).toEqual([]);
    const { sized, hosts } = hostLines('launch', (json) => {
      for (const template of Object.values(json.resource?.aws_launch_template ?? {})) (template as Record<string, unknown>).instance_type = 't3.medium';
    });
    const average = sized.report.derived!.hostsAverageVcpu! / sized.blueprint.hosts!.count;
    const surplus = average - BURSTABLE_BASELINE_VCPU['t3.medium'];
    expect(surplus).toBeGreaterThan(0);
    const [host] = hosts;
    const credits = host.components.filter((c) => CREDIT.test(c.description));
    expect(credits.map((c) => c.monthlyUsd)).toEqual([surplus * CATALOG.prices['ec2.burstableSurplus'].usd! * CATALOG.hoursPerMonth]);
  });

  it('bills nothing when the load spread over the hosts stays under the baseline (traction, two t3.large)', () => {
    const { sized, hosts } = hostLines('traction');
    expect(sized.report.derived!.hostsAverageVcpu! / sized.blueprint.hosts!.count).toBeLessThan(BURSTABLE_BASELINE_VCPU['t3.large']);
    expect(hosts).toHaveLength(2);
    expect(hosts.flatMap((h) => h.components).filter((c) => CREDIT.test(c.description))).toEqual([]);
  });

  it('bills nothing for a host in standard credit mode, which is throttled instead', () => {
    const { hosts } = hostLines('launch', (json) => {
      for (const host of Object.values(json.resource?.aws_instance ?? {}))
        (host as Record<string, unknown>).credit_specification = [{ cpu_credits: 'standard' }];
    });
    expect(hosts.flatMap((h) => h.components).filter((c) => CREDIT.test(c.description))).toEqual([]);
  });
});
