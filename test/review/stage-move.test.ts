/**
 * The review of real example syntheses: an image bump on a host stage reads as the one image
 * line of the release's compose object and as the image in the release section, and a move from traction to growth flags the hosts and
 * the apex DNS records it destroys as data loss and outage.
 */
import { runCli } from '../../cli/main';
import { Io } from '../../cli/command';
import { diffSyntheses } from '../../review/diff';
import { renderMarkdown } from '../../review/markdown';
import { buildReport } from '../../review/report';
import { ApplyRiskEntry, DataLossEntry } from '../../review/types';
import { readSynthesis } from '../../synthesis/read';
import { Synthesis } from '../../synthesis/stack-views';
import { ExampleSynthesis, synthesizeExamples, EXAMPLES_ROOT } from '../helpers/examples';

const TRACTION = 'acme-traction-eu-west-1';
const TRACTION_EDGE = 'acme-traction-edge';
let examples: ExampleSynthesis;

beforeAll(() => {
  examples = synthesizeExamples();
});

/** `type.name` of the resource whose construct path is `<stack>/<path>`. */
function addressOf(stack: string, type: string, path: string): string {
  const entry = Object.entries(examples.stack(stack).resource?.[type] ?? {}).find(
    ([, body]) => (body['//'] as { metadata?: { path?: string } } | undefined)?.metadata?.path === `${stack}/${path}`,
  );
  if (!entry) throw new Error(`no ${type} at ${stack}/${path}`);
  return `${type}.${entry[0]}`;
}

describe('an image bump on a host stage', () => {
  it("reads as the one image line that changed in the release's compose object, and as the image in the release section", () => {
    const base = readSynthesis(examples.outdir, { command: 'test', flag: '--base', given: 'base' }, 'base');
    const object = addressOf(TRACTION, 'aws_s3_object', 'release/compose.yaml');
    const name = object.split('.')[1];
    const bumped = JSON.parse(JSON.stringify(examples.stack(TRACTION))) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const content = bumped.resource.aws_s3_object[name].content as string;
    const image = /image: (ghcr\.io\/acme\/api:[0-9.]+)/.exec(content)![1];
    bumped.resource.aws_s3_object[name].content = content.replace(image, 'ghcr.io/acme/api:9.9.9');
    const head: Synthesis = { label: 'head', stacks: base.stacks.map((s) => (s.name === TRACTION ? { name: s.name, json: bumped } : s)) };

    const stacks = diffSyntheses(base, head);
    expect(stacks.map((s) => s.changes.map((c) => [s.stack, c.address, c.action]))).toEqual([[[TRACTION, object, 'update']]]);
    const [attribute] = stacks[0].changes[0].attributes;
    const lines = content.split('\n');
    const imageLine = lines.find((l) => l.includes(image))!;
    expect(attribute).toMatchObject({ path: 'content', verdict: 'in-place', forcesReplacement: false });
    expect(attribute.lineDiff!.filter((l) => l.startsWith('-') || l.startsWith('+'))).toEqual([
      `-${imageLine}`,
      `+${imageLine.replace(image, 'ghcr.io/acme/api:9.9.9')}`,
    ]);

    const report = buildReport({ mode: 'syntheses', base: 'base', head: 'head', stacks, headSynthesis: null });
    expect(report.releases).toEqual([{ stack: TRACTION, address: object, images: [{ service: 'api', before: image, after: 'ghcr.io/acme/api:9.9.9' }] }]);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain(`- \`${TRACTION}\`: \`api: ${image} → 9.9.9\``);
    expect(markdown).toContain(['```diff', ...attribute.lineDiff!, '```'].join('\n'));
  });
});

describe('stagecraft review --to-stage growth --env traction', () => {
  let report: { dataLoss: DataLossEntry[]; applyRisks: ApplyRiskEntry[] };
  let markdown: string;

  beforeAll(async () => {
    const run = async (...argv: string[]) => {
      let stdout = '';
      const io: Io = { out: (t) => (stdout += t), err: () => undefined, cwd: EXAMPLES_ROOT };
      const code = await runCli(argv, io);
      return { code, stdout };
    };
    const json = await run('review', '--to-stage', 'growth', '--env', 'traction', '--format', 'json');
    expect(json.code).toBe(1);
    report = JSON.parse(json.stdout) as typeof report;
    markdown = (await run('review', '--to-stage', 'growth', '--env', 'traction')).stdout;
  }, 120_000);

  it('flags both hosts as data loss and as an outage', () => {
    const hosts = ['host-0', 'host-1'].map((h) => addressOf(TRACTION, 'aws_instance', `${h}/instance`));
    const lost = 'destroyed: the host and everything on its root volume (container volumes, uploads, logs not yet shipped) lost';
    expect(report.dataLoss.filter((d) => d.type === 'aws_instance')).toEqual(
      hosts.map((address) => ({ stack: TRACTION, address, type: 'aws_instance', kind: 'destroy', message: lost })),
    );
    expect(report.applyRisks.filter((r) => r.type === 'aws_instance')).toEqual(
      hosts.map((address) => ({
        stack: TRACTION,
        address,
        type: 'aws_instance',
        kind: 'outage',
        message: 'destroyed: the host stops serving: every request it answered fails until its replacement serves',
        source: 'what the resource serves',
      })),
    );
  });

  it('flags the apex records as an outage until the new apex record exists', () => {
    const domain = examples.environments.find((e) => e.name === 'acme-traction')!.domain;
    const apex = report.applyRisks.filter((r) => r.type === 'cloudflare_dns_record');
    expect(apex.map((r) => [r.stack, r.address, r.kind, r.message])).toEqual(
      ['apex-0', 'apex-1'].map((name) => [
        TRACTION_EDGE,
        `cloudflare_dns_record.${name}`,
        'outage',
        `DNS record ${domain} (A → (sensitive)) destroyed; cloudflare_dns_record.apex answers for ${domain} again (CNAME → (sensitive)) only once it is created: until then, and while resolvers cache the old answer, the name resolves to nothing or to a target being destroyed`,
      ]),
    );
  });

  it('puts data loss first in the Markdown, then refused changes, replacements, security, downtime and outages, cost', () => {
    const order = ['### Data loss', '### Refused at apply', '### Replacements', '### Security', '### Downtime and outages', '### Cost', '### Changes'].map(
      (h) => markdown.indexOf(h),
    );
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]))).toBe(true);
    expect(markdown).toContain('outage: DNS record');
  });
});
