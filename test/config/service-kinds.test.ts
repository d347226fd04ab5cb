/** Service kinds (web, worker, job, gateway): derivation, the fields each takes, exact refusals. */
import { join } from 'node:path';
import { formatProblem } from '../../config/errors';
import { parseEnvironment } from '../../config/load';
import { loadServiceCatalog, projectServiceCatalog } from '../../config/services';
import { base } from '../helpers/environments';
import { EXAMPLES_ROOT } from '../helpers/examples';
import { catalogProject } from '../helpers/services';

function catalogWith(changes: Parameters<typeof catalogProject>[0]) {
  const root = catalogProject(changes);
  return loadServiceCatalog(join(root, 'services'), root);
}
const problemsWith = (changes: Parameters<typeof catalogProject>[0]) => catalogWith(changes).problems.map(formatProblem);

/** A job file: `extra` lines are added at the end. */
const job = (extra = '', stages = '[growth, scale]') =>
  [
    'name: nightly',
    'description: Nightly clean-up',
    'image: ghcr.io/acme/nightly:1.0.0',
    'resources:',
    '  requests: { cpuMillis: 250, memoryMiB: 256 }',
    '  limits: { cpuMillis: 500, memoryMiB: 512 }',
    `stages: ${stages}`,
    extra,
  ].join('\n') + '\n';

describe('kinds of the example services', () => {
  it('derives web, gateway and worker from the fields the files already have', () => {
    const kinds = Object.fromEntries(projectServiceCatalog(EXAMPLES_ROOT).services.map((s) => [s.name, [s.kind, s.drainSeconds]]));
    expect(kinds).toEqual({
      'analytics-worker': ['worker', 30],
      api: ['web', 30],
      'archive-worker': ['worker', 30],
      'delivery-worker': ['worker', 30],
      'moderation-worker': ['worker', 30],
      'websocket-gateway': ['gateway', 300],
    });
  });
});

describe('jobs', () => {
  it('reads a job with its defaults: Forbid, one hour, two retries, UTC', () => {
    const catalog = catalogWith({ 'nightly.yaml': job('schedule: "0 3 * * *"') });
    expect(catalog.problems).toEqual([]);
    const nightly = catalog.services.find((s) => s.name === 'nightly')!;
    expect([nightly.kind, nightly.schedule, nightly.ports, nightly.health, nightly.scaling]).toEqual([
      'job',
      { cron: '0 3 * * *', timeZone: undefined, concurrencyPolicy: 'Forbid', deadlineSeconds: 3600, retries: 2 },
      [],
      undefined,
      { rule: 'fixed', replicas: 1 },
    ]);
  });

  it('refuses a job without a schedule, a public port, health, scaling and demand', () => {
    const extra = [
      'kind: job',
      'ports:',
      '  - { name: http, port: 8080, public: true }',
      'health: { port: http, livenessPath: /healthz, readinessPath: /readyz }',
      'scaling: { rule: fixed, replicas: 2 }',
      'demand: { driver: requests, cpuMillisPerRequest: 2 }',
    ].join('\n');
    expect(problemsWith({ 'nightly.yaml': job(extra) })).toEqual([
      'services/nightly.yaml: schedule: is required for a job; give a five-field cron expression (e.g. "0 3 * * *")',
      'services/nightly.yaml: ports[0].public: a job has no public port: it runs to completion and nothing routes to it; allowed: false',
      'services/nightly.yaml: health: a job runs to completion and has no health endpoints; remove health',
      'services/nightly.yaml: scaling: a job runs one pod per run; remove scaling',
      'services/nightly.yaml: demand.driver: requests sizes always-on pods; a job runs on its schedule; allowed: fixed, or no demand',
    ]);
  });

  it('refuses schedules that are not five valid cron fields, and an unknown time zone', () => {
    const cases: Array<[string, string]> = [
      ['"0 3 * *"', 'schedule: "0 3 * *" has 4 fields; a schedule has 5: minute hour day-of-month month day-of-week (e.g. "0 3 * * *")'],
      ['"60 3 * * *"', 'schedule: minute 60 is out of range; allowed: 0–59'],
      ['"0 24 * * *"', 'schedule: hour 24 is out of range; allowed: 0–23'],
      ['"0 3 0 * *"', 'schedule: day of month 0 is out of range; allowed: 1–31'],
      ['"0 3 * 13 *"', 'schedule: month 13 is out of range; allowed: 1–12'],
      ['"0 3 * * 8"', 'schedule: day of week 8 is out of range; allowed: 0–7'],
      ['"0 5-3 * * *"', 'schedule: hour range 5-3 runs backwards; allowed: a-b with a ≤ b'],
      ['"0 3 * JAN *"', 'schedule: month "JAN" is not a cron field (numbers, *, lists a,b, ranges a-b and steps */n or a-b/n)'],
      ['"@daily"', 'schedule: "@daily" has 1 fields; a schedule has 5: minute hour day-of-month month day-of-week (e.g. "0 3 * * *")'],
      [
        '"0 3 1 * 1"',
        'schedule: "0 3 1 * 1" restricts both the day of month and the day of week, which cron reads as either and a host\'s timer as both; restrict one of them',
      ],
    ];
    for (const [schedule, message] of cases) {
      expect(problemsWith({ 'nightly.yaml': job(`schedule: ${schedule}`) })).toEqual([`services/nightly.yaml: ${message}`]);
    }
    expect(problemsWith({ 'nightly.yaml': job('schedule: "0 3 * * *"\ntimeZone: Mars/Olympus_Mons') })).toEqual([
      'services/nightly.yaml: timeZone: "Mars/Olympus_Mons" is not an IANA time zone; allowed: a zone name such as UTC or Europe/Berlin',
    ]);
  });

  it('refuses a concurrency policy a host timer cannot keep, on host stages', () => {
    expect(problemsWith({ 'nightly.yaml': job('schedule: "*/15 * * * *"\nconcurrencyPolicy: Allow', '[launch, growth]') })).toEqual([
      "services/nightly.yaml: concurrencyPolicy: Allow runs on clusters only; on launch a host's timer never starts a run while one runs; allowed: Forbid, or stages without launch",
    ]);
    expect(problemsWith({ 'nightly.yaml': job('schedule: "*/15 * * * *"\nconcurrencyPolicy: Replace') })).toEqual([]);
  });

  it('refuses a call to a job and environment overrides of its pods', () => {
    const catalog = catalogWith({
      'nightly.yaml': job('schedule: "0 3 * * *"'),
      'archive-worker.yaml': (t) => t.replace('stages:', 'calls: [nightly]\nstages:'),
    });
    expect(catalog.problems.map(formatProblem)).toEqual([
      'services/archive-worker.yaml: calls[0]: "nightly" is a job: it runs on its schedule and serves nothing between runs; remove it from calls',
    ]);
    const environment = `${base('growth')}services:\n  nightly: { replicas: 2 }\n`;
    expect(parseEnvironment(environment, 'environments/x.yaml', { services: catalog.services, problems: [] }).problems.map(formatProblem)).toEqual([
      'environments/x.yaml: services.nightly.replicas: nightly is a job: it runs one pod per run on its schedule (services/nightly.yaml: schedule); remove replicas',
    ]);
  });
});

describe('the other kinds', () => {
  it('refuses the job fields on a service that is not a job', () => {
    expect(problemsWith({ 'api.yaml': (t) => `${t}schedule: "0 3 * * *"\nretries: 3\n`.replace('name: api\n', 'name: api\nkind: web\n') })).toEqual([
      'services/api.yaml: schedule: applies to jobs; api is a web: set kind: job and a schedule, or remove schedule',
      'services/api.yaml: retries: applies to jobs; api is a web: set kind: job and a schedule, or remove retries',
    ]);
  });

  it('refuses a worker with a public port or a request-driven demand', () => {
    expect(
      problemsWith({
        'archive-worker.yaml': (t) =>
          t
            .replace('  - { name: health, port: 8081 }', '  - { name: health, port: 8081, public: true, route: { path: /archive } }')
            .replace('name: archive-worker\n', 'name: archive-worker\nkind: worker\n'),
        'delivery-worker.yaml': (t) => `${t}demand: { driver: connections, connectionsPerPod: 1000 }\n`,
      }),
    ).toEqual([
      'services/archive-worker.yaml: ports[0].public: a worker has no public port; allowed: false, or kind: web (or gateway) for a service the load balancer reaches',
      "services/delivery-worker.yaml: demand.driver: connections drives a web or gateway service; a worker's load is its queue; allowed: queue, fixed",
    ]);
  });

  it('requires ports, health and scaling of every kind but a job', () => {
    const worker = job().replace('name: nightly', 'name: nightly\nkind: worker');
    expect(problemsWith({ 'nightly.yaml': worker })).toEqual([
      'services/nightly.yaml: ports: is required for a worker: it needs at least one port (the health endpoints listen on one)',
      'services/nightly.yaml: health: is required for a worker; give the port and the liveness and readiness paths',
      'services/nightly.yaml: scaling: is required for a worker; allowed rules: websocket-gateway, api, cpu, queue, fixed',
    ]);
  });

  it('gives a gateway WebSocket routes and long draining by default', () => {
    const catalog = catalogWith({
      'websocket-gateway.yaml': (t) =>
        t
          .replace('route: { path: /ws, websocket: true }', 'route: { path: /ws }')
          .replace('name: websocket-gateway\n', 'name: websocket-gateway\nkind: gateway\n'),
    });
    const gateway = catalog.services.find((s) => s.name === 'websocket-gateway')!;
    expect([gateway.ports[0].route?.websocket, gateway.drainSeconds]).toEqual([true, 300]);
  });
});

describe('application secrets', () => {
  it('reads secrets by name and refuses a bad name, a duplicate and a name also in env', () => {
    const catalog = catalogWith({ 'api.yaml': (t) => `${t}secrets: [STRIPE_SECRET_KEY]\n` });
    expect(catalog.services.find((s) => s.name === 'api')!.secrets).toEqual(['STRIPE_SECRET_KEY']);
    expect(problemsWith({ 'api.yaml': (t) => `${t}secrets: [stripe-key]\n` })).toEqual([
      'services/api.yaml: secrets[0]: "stripe-key" is not a secret name (an environment variable name, e.g. STRIPE_SECRET_KEY)',
    ]);
    expect(problemsWith({ 'api.yaml': (t) => `${t}secrets: [STRIPE_SECRET_KEY, LOG_LEVEL, STRIPE_SECRET_KEY]\n` })).toEqual([
      'services/api.yaml: secrets[1]: "LOG_LEVEL" is also set in env; a name is a plain setting or a secret, not both: remove env.LOG_LEVEL',
      'services/api.yaml: secrets[2]: "STRIPE_SECRET_KEY" is already secrets[0]; list each secret once',
    ]);
  });

  it("refuses the platform's R2 writer credential as a service's own secret", () => {
    expect(problemsWith({ 'api.yaml': (t) => `${t}secrets: [R2_WRITER]\n` })).toEqual([
      'services/api.yaml: secrets[0]: "R2_WRITER" is the platform\'s R2 writer credential (docs/edge.md); choose another name',
    ]);
  });
});
