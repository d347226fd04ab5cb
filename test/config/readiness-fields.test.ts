/** `alerts.pagerEndpoint` and `slo`: resolved values, error budgets computed, bad input by exact message. */
import { parseEnvironment } from '../../config/load';
import { formatProblem } from '../../config/errors';
import { BURN_WINDOWS, burnThreshold, errorBudgetHoursPerYear, errorBudgetMinutes } from '../../config/slo';

const FILE = 'environments/prod.yaml';
const BASE = 'name: acme-prod\nstage: growth\nregions: [us-east-1]\ndomain: example.com\n';
const problems = (extra: string, base = BASE) => parseEnvironment(base + extra, FILE).problems.map(formatProblem);

describe('slo and error budgets', () => {
  it('a 99.95% target allows 4.38 hours a year and 21.6 minutes per 30 days', () => {
    // (100 − 99.95)% of 8760 h = 4.38 h; of 43200 min = 21.6 min.
    expect(errorBudgetHoursPerYear({ availabilityPercent: 99.95 })).toBeCloseTo(4.38, 10);
    expect(errorBudgetMinutes({ availabilityPercent: 99.95, windowDays: 30 })).toBeCloseTo(21.6, 10);
  });

  it('pages at 14.4× and 6× the budget rate over 30 days (the SRE workbook figures)', () => {
    const slo = { availabilityPercent: 99.9, windowDays: 30 };
    expect(BURN_WINDOWS.map((w) => burnThreshold(slo, w) / 0.001)).toEqual([14.4, 6].map((x) => expect.closeTo(x, 10)));
  });

  it('resolves the window to 30 days and keeps the pager endpoint', () => {
    const { environment, problems: found } = parseEnvironment(
      `${BASE}alerts:\n  pagerEndpoint: https://pager.example.com/hooks/cloudwatch\nslo:\n  availabilityPercent: 99.95\n`,
      FILE,
    );
    expect(found).toEqual([]);
    expect(environment?.slo).toEqual({ availabilityPercent: 99.95, windowDays: 30 });
    expect(environment?.pagerEndpoint).toBe('https://pager.example.com/hooks/cloudwatch');
  });
});

describe('bad readiness fields', () => {
  // The URL may carry a routing key, a password or an API key: the message shows its scheme and host only, and its length.
  it.each([
    [
      'http://pager.example.com/x',
      'is not an https URL (e.g. https://events.pagerduty.com/integration/<routing key>/enqueue); received http://pager.example.com/… ({n} characters)',
    ],
    [
      'events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue',
      'is not an https URL (e.g. https://events.pagerduty.com/integration/<routing key>/enqueue); received a value of {n} characters',
    ],
    [
      'https://user:s3cr3t-pw@pager.example.com/x',
      'carries credentials in the URL; give an integration URL without user or password; received https://…@pager.example.com/… ({n} characters)',
    ],
    [
      'https://pager.example.com/x?apiKey=abc123secret',
      'has a query string, where services put API keys; give an integration URL without one; received https://pager.example.com/… ({n} characters)',
    ],
    [
      'https://pager.example.com/${var.x}',
      'contains $, {, } or `, which are not allowed in a pager URL; received https://pager.example.com/… ({n} characters)',
    ],
  ])('refuses the pager endpoint %s without echoing it', (url, message) => {
    const found = problems(`alerts:\n  pagerEndpoint: "${url}"\n`);
    expect(found).toEqual([`${FILE}: alerts.pagerEndpoint: ${message.replace('{n}', String(url.length))}`]);
    for (const secret of ['s3cr3t-pw', 'abc123secret', '0123456789abcdef0123456789abcdef', '/x'])
      if (url.includes(secret)) expect(found[0]).not.toContain(secret);
  });

  it('refuses a target of 100% or under 90%', () => {
    expect(problems('slo:\n  availabilityPercent: 100\n')).toEqual([
      `${FILE}: slo.availabilityPercent: must be at least 90 and below 100 (e.g. 99.95); received number 100`,
    ]);
    expect(problems('slo:\n  availabilityPercent: 89\n')).toEqual([
      `${FILE}: slo.availabilityPercent: must be at least 90 and below 100 (e.g. 99.95); received number 89`,
    ]);
  });

  it('refuses a window outside 7–90 days', () => {
    expect(problems('slo:\n  availabilityPercent: 99.9\n  windowDays: 3\n')).toEqual([`${FILE}: slo.windowDays: must be 7–90 days; received number 3`]);
  });

  it('refuses an slo before growth, where no load balancer publishes request metrics', () => {
    expect(problems('slo:\n  availabilityPercent: 99.9\n', BASE.replace('growth', 'traction'))).toEqual([
      `${FILE}: slo: does not apply to stage traction; it applies to: growth, scale, hyperscale, massive`,
    ]);
  });

  it('refuses a budget under one minute', () => {
    expect(problems('slo:\n  availabilityPercent: 99.999\n  windowDays: 7\n')).toEqual([
      `${FILE}: slo: 99.999% over 7 days leaves 0.1 minutes of error budget, less than one minute (CloudWatch's finest standard alarm period), so no alarm could see it; lower availabilityPercent or lengthen windowDays`,
    ]);
  });

  it('refuses a target whose burn-rate alarms could never fire', () => {
    expect(problems('slo:\n  availabilityPercent: 90\n  windowDays: 90\n')).toEqual([
      `${FILE}: slo: 90% over 90 days: the fast burn-rate alarm would need an error ratio of 432%, which can never happen; raise availabilityPercent or shorten windowDays`,
      `${FILE}: slo: 90% over 90 days: the slow burn-rate alarm would need an error ratio of 180%, which can never happen; raise availabilityPercent or shorten windowDays`,
    ]);
  });
});
