/**
 * What every regional stack gets once its stage composer has built it (issue 17, production
 * readiness): the region's dashboard, the SLO burn-rate alarms where a load balancer publishes
 * request metrics and the environment sets an `slo`, and the weekly restore test of what the
 * composer put in the backup vault. Runs after the composer because it reads what was built.
 */
import { RegionDashboard } from '../constructs/aws/region-dashboard';
import { RestoreTesting } from '../constructs/aws/restore-testing';
import { SloBurnAlarms } from '../constructs/aws/slo-burn-alarms';
import { RegionalStack } from './regional-stack';

export function addOperations(stack: RegionalStack): void {
  const f = stack.foundation;
  const { slo } = f.environment;
  if (slo && stack.loadBalancer) {
    new SloBurnAlarms(stack, 'slo', { namePrefix: f.namePrefix, slo, loadBalancerArnSuffix: stack.loadBalancer.alb.arnSuffix, alarms: f.alarms });
  }
  new RegionDashboard(stack, 'dashboard', {
    name: f.namePrefix,
    region: f.region.code,
    stage: f.environment.stage,
    alarms: f.alarms,
    loadBalancerArnSuffix: stack.loadBalancer?.alb.arnSuffix,
  });
  if (stack.restoreTested.size > 0) {
    new RestoreTesting(stack, 'restore-testing', {
      namePrefix: f.namePrefix,
      vault: f.backups.vault,
      role: f.backups.role,
      resourceTypes: [...stack.restoreTested].sort(),
      alarms: f.alarms,
    });
  }
}
