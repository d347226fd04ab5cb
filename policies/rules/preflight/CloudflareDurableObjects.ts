/** A Worker with Durable Objects needs the Workers Paid plan (review F6, F7). */
import { ResourceRule } from '../../types';
import { readAll, record } from '../../../synthesis/values';
import { compliant, nonCompliant, notApplicable } from '../../outcomes';
import { describeSubscription, planOf } from './cloudflare';

export const CloudflareDurableObjects: ResourceRule = {
  id: 'SC-PRE-6',
  name: 'CloudflareDurableObjects',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['cloudflare_workers_script'],
  description: 'Workers that bind or migrate Durable Objects run only where the account has Workers Paid (edge.addons: workersPaid).',
  evaluate(script, stack) {
    const bindings = readAll(script.values, 'bindings').flatMap((b) => (Array.isArray(b) ? b : [b]));
    const usesDurableObjects =
      bindings.some((b) => record(b)?.type === 'durable_object_namespace') ||
      readAll(script.values, 'migrations.new_classes').length + readAll(script.values, 'migrations.new_sqlite_classes').length > 0;
    if (!usesDurableObjects) return notApplicable('no Durable Object binding or migration');
    const plan = planOf(stack);
    if ('status' in plan) return plan;
    if (plan.subscription.addons.includes('workersPaid')) return compliant();
    return nonCompliant(`the Worker uses Durable Objects, which need Workers Paid; the account has ${describeSubscription(plan.subscription)}`);
  },
};
