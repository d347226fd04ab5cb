/**
 * Seed 004: an on-call rotation with escalation starts with alarms reaching a pager. Every alarm
 * topic has an https subscription to the pager endpoint of the environment (`alerts.pagerEndpoint`).
 */
import { regionalStacks } from '../lookups';
import { combine, held, ItemOutcome, missing, notApplicable, ReadinessItem } from '../types';

export const PagerRouting: ReadinessItem = {
  id: 'RDY-12',
  name: 'PagerRouting',
  section: 'observability',
  title: 'Alarms routed to a pager endpoint',
  evaluate(environment) {
    const parts: ItemOutcome[] = regionalStacks(environment).flatMap((stack) =>
      stack.resources('aws_sns_topic').map((topic) => {
        const name = String(topic.values.name ?? topic.address);
        const pager = stack.referencing('aws_sns_topic_subscription', 'topic_arn', topic).filter((s) => s.values.protocol === 'https');
        return pager.length > 0
          ? held(`${name} → https pager endpoint`)
          : missing(`${name}: no https subscription; set alerts.pagerEndpoint so alarms page someone`);
      }),
    );
    return combine(parts, notApplicable('no alarm topic in this environment'));
  },
};
