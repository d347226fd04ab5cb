/**
 * The runbooks of each example name real things: every alarm they cite is an alarm (or
 * EventBridge rule) of the environment's synthesized stacks, and every resource name appears in
 * those stacks; each stage gets the scenarios it can meet.
 */
import { citableNames, renderRunbooks, runbooksOf } from '../../readiness/runbooks';
import { environment, examples } from './fixtures';

const STAGES = ['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive'];

describe('runbooks', () => {
  it.each(STAGES)('%s: every cited alarm and resource exists in the synthesized stacks', (stage) => {
    const env = environment(stage);
    const books = runbooksOf(env);
    const names = citableNames(env);
    const text = examples()
      .stacks.filter((s) => s.name.startsWith(`acme-${stage}-`))
      .map((s) => JSON.stringify(s.json))
      .join('\n');
    const cited = books.flatMap((b) => b.alarms);
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.filter((a) => !names.has(a))).toEqual([]);
    const resources = books.flatMap((b) => b.resources);
    expect(resources.length).toBeGreaterThan(0);
    expect(resources.filter((r) => !text.includes(`"${r}"`))).toEqual([]);
    // Each resource name also appears in a command or the automatic part, where on-call reads it.
    const page = renderRunbooks(env, books);
    expect(resources.filter((r) => !page.includes(r))).toEqual([]);
  });

  it('covers the scenarios each stage can meet', () => {
    const scenarios = Object.fromEntries(STAGES.map((stage) => [stage, runbooksOf(environment(stage)).map((b) => b.scenario)]));
    expect(scenarios).toEqual({
      launch: ['region loss', 'database failover', 'cache loss', 'bad deploy'],
      traction: ['region loss', 'database failover', 'cache loss', 'bad deploy'],
      growth: ['region loss', 'database failover', 'cache loss', 'queue backlog', 'bad deploy'],
      scale: ['region loss', 'database failover', 'cache loss', 'queue backlog', 'bad deploy'],
      hyperscale: ['region loss', 'database failover', 'cache loss', 'queue backlog', 'bad deploy'],
      massive: ['region loss', 'database failover', 'cache loss', 'queue backlog', 'bad deploy'],
    });
  });

  it('massive: region loss names the Cloudflare pools and every region cluster; failover is CockroachDB', () => {
    const books = runbooksOf(environment('massive'));
    const region = books.find((b) => b.scenario === 'region loss')!;
    expect(region.resources).toEqual(expect.arrayContaining(['acme-massive-us-east-1', 'acme-massive-eu-west-1', 'acme-massive-ap-northeast-1']));
    expect(region.alarms).toContain('acme-massive-eu-west-1-cockroachdb-underreplicated');
    const failover = books.find((b) => b.scenario === 'database failover')!;
    expect(failover.alarms).toEqual(['acme-massive-ap-northeast-1-cockroachdb-replica-lag', 'acme-massive-ap-northeast-1-cockroachdb-underreplicated']);
    expect(failover.automatic[0]).toContain('about 10 s');
  });

  it('growth: the RDS failover states its expected time and rehearses with a forced failover', () => {
    const failover = runbooksOf(environment('growth')).find((b) => b.scenario === 'database failover')!;
    expect(failover.automatic[0]).toContain('60-120 s');
    expect(failover.commands).toContain(
      'aws rds reboot-db-instance --region us-east-1 --db-instance-identifier acme-growth-us-east-1-postgres --force-failover   # rehearse the failover',
    );
  });
});
