/**
 * The HTML report in a real browser: headless Chromium (Debian's `chromium` package, installed
 * by .ci/run) opens every page from a server on 127.0.0.1. Each diagram must be an SVG with the
 * stage's expected labels, no request may leave localhost, and the console must stay free of
 * errors. Screenshots go to test/__artifacts__/report/ (git-ignored) for a person to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, BrowserContext } from 'playwright-core';
import { pageFile } from '../../report/pages';
import { evaluateReadiness, STATUS_MARKS } from '../../readiness/engine';
import { Synthesis } from '../../synthesis/stack-views';
import { SizedEnvironment } from '../../sizing/blueprint';
import { run } from '../helpers/cli';
import { PROJECT_ROOT, synthesizeExamples, EXAMPLES_ROOT } from '../helpers/examples';
import { expectedTopology, graphInputs } from '../helpers/topology';
import { describeRequiring, unless } from '../helpers/required-tools';

const CHROMIUM = process.env.STAGECRAFT_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = join(PROJECT_ROOT, 'test', '__artifacts__', 'report');
const available = existsSync(CHROMIUM);
const describeWithChromium = describeRequiring(
  unless(available, `no Chromium at ${CHROMIUM} (apt-get install chromium, or set STAGECRAFT_CHROMIUM)`),
  'the report in a real browser',
);

/** Serves `dir` on 127.0.0.1 with an ephemeral port. */
function serve(dir: string): Promise<Server> {
  const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png' };
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describeWithChromium('the HTML report in headless Chromium', () => {
  let site: string;
  let profile: string;
  let server: Server;
  let origin: string;
  let context: BrowserContext;
  let sized: SizedEnvironment[];
  let synthesis: Synthesis;
  const requests: string[] = [];

  beforeAll(async () => {
    const examples = synthesizeExamples();
    ({ sized, synthesis } = graphInputs(examples));
    site = mkdtempSync(join(tmpdir(), 'stagecraft-report-'));
    const written = await run(EXAMPLES_ROOT, 'report', '--out', join(site, 'site'), '--from', examples.outdir);
    expect(written.code).toBe(0);
    server = await serve(join(site, 'site'));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    profile = mkdtempSync(join(tmpdir(), 'stagecraft-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context.on('request', (request) => requests.push(request.url()));
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    for (const dir of [site, profile]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a page; returns its console errors and uncaught exceptions. */
  async function open(file: string, screenshot?: string): Promise<{ errors: string[]; page: Awaited<ReturnType<BrowserContext['newPage']>> }> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    const response = await page.goto(`${origin}/${file}`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    if (screenshot) await page.screenshot({ path: join(SCREENSHOTS, screenshot), fullPage: true });
    return { errors, page };
  }

  it.each(['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive'])(
    '%s: the diagram is an SVG with the regions, edge pieces and sized components',
    async (stage) => {
      const environment = sized.find((s) => s.environment.stage === stage)!;
      const { errors, page } = await open(pageFile(environment.environment.name), `${stage}.png`);
      const texts = await page.locator('.diagram svg text').allTextContents();
      const expected = expectedTopology(environment, synthesis);
      const labels = [
        'Users',
        'Cloudflare edge',
        ...expected.regions,
        ...expected.edgePath,
        expected.entry,
        ...Object.values(expected.services).flat(),
        ...expected.stores.map((s) => s.label),
      ];
      expect(labels.filter((label) => !texts.includes(label))).toEqual([]);
      if (expected.cluster) expect(texts.filter((t) => t.includes(`general ${expected.cluster}`))).toHaveLength(expected.regions.length);
      expect(await page.locator('.diagram svg g.node').count()).toBeGreaterThanOrEqual(labels.length - expected.regions.length - 1);
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  it.each(['launch', 'growth', 'massive'])('%s: the readiness section shows each item with the mark the engine computes', async (stage) => {
    const environment = sized.find((s) => s.environment.stage === stage)!;
    const [expected] = evaluateReadiness(synthesis, [environment.environment.name]);
    const { errors, page } = await open(pageFile(environment.environment.name));
    const rows = page.locator('h2#readiness + p + table tbody tr');
    expect(await rows.count()).toBe(expected.items.length);
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)));
    expect(shown).toEqual(expected.items.map((i) => [STATUS_MARKS[i.outcome.status], i.id]));
    expect(await page.locator('h2#readiness + p').textContent()).toContain(`${expected.counts.held} held, ${expected.counts.missing} missing`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the stage comparison shows the six stages and a cost and a capacity chart', async () => {
    const { errors, page } = await open('index.html', 'index.png');
    const headers = await page.locator('table.compare thead th a').allTextContents();
    expect(headers).toEqual(['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive']);
    const charts = await page.locator('svg.chart').evaluateAll((svgs) => svgs.map((s) => s.getAttribute('aria-label')));
    expect(charts).toEqual(['Monthly cost (USD, log scale)', 'Capacity: MAU served (log scale)', 'Capacity: pods at max (log scale)']);
    expect(await page.locator('svg.chart rect').count()).toBe(3 * 6);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('no request left localhost, and screenshots were saved', () => {
    expect(requests.length).toBeGreaterThanOrEqual(7);
    expect(requests.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
    expect(['index.png', 'massive.png'].filter((f) => !existsSync(join(SCREENSHOTS, f)))).toEqual([]);
  });
});
