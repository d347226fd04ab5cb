/**
 * Issue 18 item 3, through `stagecraft size`: the photo-sharing product (test/fixtures/photo-sharing)
 * is sized from its own services' demand. Its demand line and its Postgres reasoning carry the
 * resizer's queue messages and no connections, never the chat example's 100 messages a daily user;
 * without the resizer they say in words that no service declares messages.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../helpers/cli';
import { PROJECT_ROOT } from '../helpers/examples';
import { fmt } from '../../sizing/numbers';
import { SECONDS_PER_DAY } from '../../sizing/demand';
import { loadServiceCatalog } from '../../config/services';

const FIXTURE = join(PROJECT_ROOT, 'test', 'fixtures', 'photo-sharing');

describe('stagecraft size on the photo-sharing product', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'stagecraft-photo-size-'));
    cpSync(FIXTURE, root, { recursive: true });
    const growth = readFileSync(join(root, 'environments', 'photos-growth.yaml'), 'utf8');
    writeFileSync(
      join(root, 'environments', 'photos-noqueue.yaml'),
      `${growth.replace('name: photos-growth', 'name: photos-noqueue')}services:\n  resizer:\n    enabled: false\n`,
    );
  });

  it("prints the resizer's messages and no connections, and no chat messages", async () => {
    const json = await run(root, 'size', '--env', 'photos-growth', '--json');
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    const w = doc.workload;
    const dau = w.mau * w.dauRatio;
    const resizer = loadServiceCatalog(join(FIXTURE, 'services'), FIXTURE).services.find((s) => s.name === 'resizer')!.demand;
    const resizerPerUser = resizer.driver === 'queue' ? resizer.messagesPerDailyUser! : NaN;
    const messages = ((dau * resizerPerUser) / SECONDS_PER_DAY) * w.peakFactor;
    expect(doc.peak).toMatchObject({ connections: 0, messagesFrom: ['resizer'], connectionsFrom: [] });
    expect(doc.peak.messagesPerSecond).toBeCloseTo(messages, 9);
    expect(w.messagesPerDauPerDay).toBeNull();

    const text = await run(root, 'size', '--env', 'photos-growth');
    expect(text.code).toBe(0);
    const demandLine = text.stdout.split('\n').find((line) => line.startsWith('demand: '));
    expect(demandLine).toBe(
      `demand: ${fmt(dau)} DAU · peak ${fmt(doc.peak.rps)} req/s · ${fmt(messages)} messages/s (resizer) · no service declares connections · ${fmt(doc.peak.dbWritesPerSecond)} DB writes/s · ${fmt(doc.peak.redisOpsPerSecond)} Redis ops/s`,
    );
    expect(text.stdout).toContain(
      `${fmt(doc.peak.dbWritesPerSecond)} peak write tx/s (${fmt(messages)} msg/s ÷ batch ${fmt(w.writeBatchSize)} + ${fmt(doc.peak.rps)} req/s × ${fmt(w.writesPerRequest)})`,
    );
    // The chat example's seed 002 figure (100 messages a daily user) appears nowhere.
    const chatMessages = ((dau * 100) / SECONDS_PER_DAY) * w.peakFactor;
    expect(text.stdout).not.toContain(`${fmt(chatMessages)} msg/s`);
    expect(text.stdout).not.toContain(`${fmt(chatMessages)} messages/s`);
  }, 120_000);

  it('says in words that no service declares messages when the resizer is disabled, and writes from requests only', async () => {
    const json = JSON.parse((await run(root, 'size', '--env', 'photos-noqueue', '--json')).stdout);
    const w = json.workload;
    expect(json.peak).toMatchObject({ messagesPerSecond: 0, connections: 0, messagesFrom: [] });
    expect(json.peak.dbWritesPerSecond).toBeCloseTo(json.peak.rps * w.writesPerRequest, 9);

    const text = await run(root, 'size', '--env', 'photos-noqueue');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^demand: [\d,]+ DAU · peak [\d.,]+ req\/s · no service declares messages · no service declares connections · /m);
    expect(text.stdout).toMatch(
      /^postgres shards +1 × RDS db\.m6g\.2xlarge +[\d.,]+ peak write tx\/s \([\d.,]+ req\/s × 0\.0048; no service declares messages\) /m,
    );
    expect(text.stdout).not.toMatch(/msg\/s ÷ batch/);
  }, 120_000);
});
