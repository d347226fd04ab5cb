/**
 * Seed 004: a dashboard per environment. Each region's stack holds one CloudWatch dashboard with
 * the four golden signals (traffic, errors, latency, saturation) and the stage's graduation
 * signals (advice/graduation.ts), so the numbers that say "time for the next stage" are in view.
 */
import { DASHBOARD_SECTIONS } from '../../constructs/aws/dashboard-sections';
import { regionalStacks } from '../lookups';
import { combine, held, ItemOutcome, missing, notApplicable, ReadinessItem } from '../types';

export { DASHBOARD_SECTIONS };

export const Dashboard: ReadinessItem = {
  id: 'RDY-10',
  name: 'Dashboard',
  section: 'observability',
  title: 'Dashboard per environment: traffic, errors, latency, saturation and graduation signals',
  evaluate(environment) {
    const parts: ItemOutcome[] = regionalStacks(environment).map((stack) => {
      const dashboards = stack.resources('aws_cloudwatch_dashboard');
      if (dashboards.length === 0) return missing(`${stack.name}: no CloudWatch dashboard`);
      const body = dashboards.map((d) => String(d.values.dashboard_body ?? '')).join('\n');
      // A metric or alarm widget's title, or a text widget's heading.
      const absent = DASHBOARD_SECTIONS.filter((s) => !body.includes(`"title":"${s}`) && !body.includes(`### ${s}`));
      if (absent.length > 0) return missing(`${stack.name}: the dashboard has no ${absent.join(', ')} widgets`);
      return held(`${stack.name}: dashboard ${String(dashboards[0].values.dashboard_name)}`);
    });
    return combine(parts, notApplicable('no AWS region in this environment'));
  },
};
