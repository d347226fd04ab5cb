/**
 * Issue 18 item 3: the product's messages and connections are what its services declare, not the
 * chat example's figures. A product whose services declare none has 0 messages/s and 0
 * connections, and its database writes come from its requests only. Every expected figure is
 * computed here from the workload and the service definitions.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvironment } from '../../config/load';
import { formatProblem, UserInputError } from '../../config/errors';
import { loadServiceCatalog, ServiceCatalog } from '../../config/services';
import { ServiceDefinition } from '../../config/service-definition';
import { resolveWorkload } from '../../config/workload-defaults';
import { sizeBlueprint, sizeEnvironments } from '../../sizing/blueprint';
import { demandOf, SECONDS_PER_DAY } from '../../sizing/demand';
import { fmt } from '../../sizing/numbers';
import { regionUsage } from '../../sizing/usage';
import { PROJECT_ROOT } from '../helpers/examples';

const FIXTURE = join(PROJECT_ROOT, 'test', 'fixtures', 'photo-sharing');
const GROWTH = readFileSync(join(FIXTURE, 'environments', 'photos-growth.yaml'), 'utf8');
const PHOTO_CATALOG = loadServiceCatalog(join(FIXTURE, 'services'), FIXTURE);
const photoService = (name: string) => PHOTO_CATALOG.services.find((s) => s.name === name)!;

function sized(yaml: string, catalog: ServiceCatalog = PHOTO_CATALOG) {
  const { environment, problems } = parseEnvironment(yaml, 'environments/photos-growth.yaml', catalog);
  if (!environment) throw new Error(problems.map(formatProblem).join('\n'));
  return sizeBlueprint(environment);
}

/** The photo product without its resizer: a web, an api and a nightly job, none of which declares messages or connections. */
const WITHOUT_RESIZER = `${GROWTH}services:\n  resizer:\n    enabled: false\n`;

describe("a product's messages and connections are what its services declare", () => {
  it('gives a product with no message- or connection-declaring service 0 messages/s and 0 connections, and writes from its requests only', () => {
    const { report } = sized(WITHOUT_RESIZER);
    const w = report.workload!;
    const derived = report.derived!;
    const demand = derived.demand;
    expect(Object.keys(derived.services).sort()).toEqual(['api', 'nightly-digest', 'web']);
    expect(w.messagesPerDauPerDay).toBeUndefined();
    expect(demand.peakMessagesPerSecond).toBe(0);
    expect(demand.peakConnections).toBe(0);
    expect(demand.messagesFrom).toEqual({ services: [] });
    expect(demand.connectionsFrom).toEqual([]);
    const peakRps = ((w.mau * w.dauRatio * w.requestsPerDauPerDay) / SECONDS_PER_DAY) * w.peakFactor;
    expect(demand.peakRps).toBeCloseTo(peakRps, 9);
    expect(demand.peakDbWritesPerSecond).toBeCloseTo(peakRps * w.writesPerRequest, 9);
    expect(demand.peakRedisOpsPerSecond).toBeCloseTo(peakRps * w.redisOpsPerRequest, 9);
    expect(demand.largestTable).toEqual({ name: 'users', rows: w.mau });
    expect(demand.databaseBytes).toBe(w.mau * w.userRowBytes);
    expect(derived.reasons.dbShards).toBe(
      `${fmt(peakRps * w.writesPerRequest)} peak write tx/s (${fmt(peakRps)} req/s × ${fmt(w.writesPerRequest)}; no service declares messages) / 10,000 per primary → 1; growth runs one Postgres primary → 1`,
    );
    // No long-lived connections reach the load balancer's capacity units, no messages the edge archive.
    const usage = regionUsage(demand, w, 1, report.assumptions.cockroachReplicationFactor);
    expect(usage.averageConnections).toBe(0);
    expect(usage.edge.messagesGBPerMonth).toBe(0);
  });

  it("takes the photo product's messages from its resizer's queue demand, and nothing from the chat example", () => {
    const { report } = sized(GROWTH);
    const w = report.workload!;
    const demand = report.derived!.demand;
    const resizer = photoService('resizer').demand;
    if (resizer.driver !== 'queue' || resizer.messagesPerDailyUser === undefined) throw new Error('the fixture resizer changed its demand');
    const peakMessages = ((w.mau * w.dauRatio * resizer.messagesPerDailyUser) / SECONDS_PER_DAY) * w.peakFactor;
    expect(demand.messagesFrom).toEqual({ services: ['resizer'] });
    expect(demand.peakMessagesPerSecond).toBeCloseTo(peakMessages, 9);
    expect(demand.peakConnections).toBe(0);
    expect(demand.peakDbWritesPerSecond).toBeCloseTo(peakMessages / w.writeBatchSize + demand.peakRps * w.writesPerRequest, 9);
    // The resizer's pods are sized from the same figure.
    expect(report.derived!.services.resizer.peakPerRegion).toBeCloseTo(peakMessages, 9);
  });

  it("lets workload.messagesPerDauPerDay state the product's messages over its services', and gives it to a queue service that states none", () => {
    const base = resolveWorkload({ mau: 1_000_000, messagesPerDauPerDay: 7 });
    const resizer = photoService('resizer');
    const unstated: ServiceDefinition = { ...resizer, name: 'thumbnails', demand: { driver: 'queue', messagesPerSecondPerPod: 5 } };
    const demand = demandOf(base, [resizer, unstated]);
    expect(demand.messagesFrom).toEqual({ workload: true });
    expect(demand.averageMessagesPerSecond).toBeCloseTo((base.mau * base.dauRatio * 7) / SECONDS_PER_DAY, 9);
    // Without the workload's figure, the product's messages are the sum of what its queue services declare.
    const stated: ServiceDefinition = { ...resizer, name: 'thumbnails', demand: { driver: 'queue', messagesPerDailyUser: 3, messagesPerSecondPerPod: 5 } };
    const summed = demandOf(resolveWorkload({ mau: 1_000_000 }), [resizer, stated]);
    const resizerPerUser = resizer.demand.driver === 'queue' ? resizer.demand.messagesPerDailyUser! : NaN;
    expect(summed.messagesFrom).toEqual({ services: ['resizer', 'thumbnails'] });
    expect(summed.averageMessagesPerSecond).toBeCloseTo((base.mau * base.dauRatio * (resizerPerUser + 3)) / SECONDS_PER_DAY, 9);
  });

  it("counts the connections of the services with connections demand: their own figure, else the workload's concurrentRatio", () => {
    const w = resolveWorkload({ mau: 1_000_000, concurrentRatio: 0.05 });
    const api = photoService('api');
    const live: ServiceDefinition = { ...api, name: 'live', demand: { driver: 'connections', connectionsPerDailyUser: 0.02, connectionsPerPod: 10_000 } };
    const chat: ServiceDefinition = { ...api, name: 'chat', demand: { driver: 'connections', connectionsPerPod: 10_000 } };
    const dau = w.mau * w.dauRatio;
    expect(demandOf(w, [api]).peakConnections).toBe(0);
    expect(demandOf(w, [api, live]).peakConnections).toBeCloseTo(dau * 0.02, 9);
    const both = demandOf(w, [api, live, chat]);
    expect(both.peakConnections).toBeCloseTo(dau * (0.02 + w.concurrentRatio), 9);
    expect(both.connectionsFrom).toEqual(['live', 'chat']);
  });

  it('stops (exit 2) on a queue service that states no messages when the workload states none either', () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-demand-'));
    cpSync(FIXTURE, root, { recursive: true });
    const file = join(root, 'services', 'resizer.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^ {2}messagesPerDailyUser: .*\n/m, ''));
    const catalog = loadServiceCatalog(join(root, 'services'), root);
    expect(catalog.problems).toEqual([]);
    const { environment } = parseEnvironment(GROWTH, 'environments/photos-growth.yaml', catalog);
    let problems: string[] = [];
    try {
      sizeEnvironments([environment!]);
    } catch (error) {
      if (!(error instanceof UserInputError)) throw error;
      problems = error.problems.map(formatProblem);
    }
    expect(problems).toEqual([
      "services/resizer.yaml: demand.messagesPerDailyUser: resizer sizes its pods from queue messages, but neither it nor the environment's workload.messagesPerDauPerDay says how many; allowed: the messages each daily user puts on its queue a day (greater than 0) here, or the product's in workload.messagesPerDauPerDay",
    ]);
    // The workload's figure settles it.
    const stated = parseEnvironment(
      GROWTH.replace('  mau: 400000\n', '  mau: 400000\n  messagesPerDauPerDay: 2\n'),
      'environments/photos-growth.yaml',
      catalog,
    );
    expect(sizeEnvironments([stated.environment!])[0].report.derived!.demand.messagesFrom).toEqual({ workload: true });
  });
});
