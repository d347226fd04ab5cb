/** Pod autoscaling rules: the range follows the sizing, overrides replace it, and crossings are reported. */
import { formatProblem } from '../../../config/errors';
import { podScalingProblems, podScalingRule, sizedPodRange } from '../../../sizing/autoscaling/resolve';
import { WEBSOCKET_DEFAULTS } from '../../../config/autoscaling';
import { effectiveScaleDownThresholds } from '../../../sizing/autoscaling/websocket-gateway';
import { HPA_TOLERANCE } from '../../../sizing/autoscaling/pod-rule';
import { ASSUMPTIONS } from '../../../config/assumptions';
import { AVAILABILITY_FLOORS } from '../../../sizing/stage-profiles';
import { sizeEnvironments } from '../../../sizing/blueprint';
import { base, environment } from '../../helpers/environments';

const sized = (yaml: string) => sizeEnvironments([environment(yaml)])[0];
const service = (env: ReturnType<typeof environment>, name: string) => env.services.find((s) => s.name === name)!;

describe('pod ranges', () => {
  it('come from the sizing when there is a workload', () => {
    const { environment: env, blueprint } = sized(`${base('growth')}workload:\n  mau: 3000000\n`);
    const rule = podScalingRule(env, blueprint, service(env, 'websocket-gateway'))!;
    const pods = blueprint.services!['websocket-gateway'];
    expect({ min: rule.min, max: rule.max }).toEqual({ min: pods.min, max: pods.max });
    expect(rule.rangeSource).toBe('sizing of its connections demand (Blueprint.services.websocket-gateway)');
  });

  it('fall back to the stage floor up to the floor × headroom without a workload', () => {
    const { environment: env, blueprint } = sized(base('scale'));
    const floor = AVAILABILITY_FLOORS.scale.pods;
    expect(sizedPodRange(env, blueprint, service(env, 'api'))).toEqual({
      min: floor,
      max: Math.ceil(floor * ASSUMPTIONS.autoscaleHeadroom.value),
      source: `scale pod floor × ${ASSUMPTIONS.autoscaleHeadroom.value} headroom (no workload)`,
    });
  });

  it('reports an override that crosses the sized range, naming the field', () => {
    const { environment: env, blueprint } = sized(`${base('growth')}workload:\n  mau: 3000000\nautoscaling:\n  api: { min: 500 }\n`);
    const api = blueprint.services!.api;
    expect(podScalingProblems(env, blueprint).map(formatProblem)).toEqual([
      `environments/test.yaml: autoscaling.api.min: 500 is above the max of ${api.max} pods from the sizing of its requests demand (Blueprint.services.api); allowed: 1 to ${api.max}, or set autoscaling.api.max too`,
    ]);
  });
});

describe('the websocket scale-down mapping', () => {
  it("removes pods only below the targets less the HPA tolerance, which is above the seed's thresholds", () => {
    const effective = effectiveScaleDownThresholds(WEBSOCKET_DEFAULTS);
    expect(effective).toEqual({
      cpuPercent: WEBSOCKET_DEFAULTS.scaleUpCpuPercent * (1 - HPA_TOLERANCE),
      connectionsPerPod: WEBSOCKET_DEFAULTS.scaleUpConnectionsPerPod * (1 - HPA_TOLERANCE),
    });
    // The gap README documents: the HPA may remove pods where the seed's rule would not.
    expect(effective.cpuPercent).toBeGreaterThan(WEBSOCKET_DEFAULTS.scaleDownCpuPercent);
    expect(effective.connectionsPerPod).toBeGreaterThan(WEBSOCKET_DEFAULTS.scaleDownConnectionsPerPod);
  });
});
