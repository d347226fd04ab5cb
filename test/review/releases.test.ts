/**
 * An image bump on the host stages, end to end: the example launch and traction environments
 * synthesized twice through `stagecraft synth`, with service catalogs that differ only in the api's
 * image tag, then `stagecraft review --base --head` of the two. The hosts' user_data stays the
 * same (nothing is replaced); only the release's compose object changes (the association that
 * applies it names the object's version and SHA-256 as expressions, which change at plan); and the
 * review names the image that changed in its JSON and Markdown.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../helpers/cli';
import { EXAMPLES_ROOT } from '../helpers/examples';
import { readSynthesis } from '../../synthesis/read';
import { diffSyntheses } from '../../review/diff';
import { composeImages, imageChangeText, RELEASE_COMPOSE_KEY, releaseEntries } from '../../review/releases';
import { ReleaseEntry } from '../../review/types';

const HOST_STACKS = ['acme-launch-us-east-1', 'acme-traction-eu-west-1'];
let root: string;
let base: string;
let head: string;

type StackJson = { resource: Record<string, Record<string, Record<string, unknown>>> };
const stackJson = (dir: string, stack: string) => JSON.parse(readFileSync(join(dir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as StackJson;

/** Synthesizes the launch and traction examples with the example services, the api's image tag set to `tag`. */
async function synthWithApiTag(name: string, tag: string): Promise<string> {
  const services = join(root, `services-${name}`);
  cpSync(join(EXAMPLES_ROOT, 'services'), services, { recursive: true });
  const api = join(services, 'api.yaml');
  writeFileSync(api, readFileSync(api, 'utf8').replace(/^image: ghcr\.io\/acme\/api:.*$/m, `image: ghcr.io/acme/api:${tag}`));
  const out = join(root, name, 'cdktf.out');
  const envs = ['launch', 'traction'].flatMap((stage) => ['--env', join(EXAMPLES_ROOT, 'environments', `${stage}.yaml`)]);
  const result = await run(EXAMPLES_ROOT, 'synth', ...envs, '--services', services, '--out', out);
  if (result.code !== 0) throw new Error(result.stderr);
  return out;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagecraft-release-review-'));
  base = await synthWithApiTag('base', '1.14.2');
  head = await synthWithApiTag('head', '1.15.0');
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('an image bump on the host stages', () => {
  it("leaves every host's user_data and launch template as they were: no host is replaced or restarted", () => {
    for (const stack of HOST_STACKS) {
      const templates = (dir: string) => stackJson(dir, stack).resource.aws_launch_template;
      const instances = (dir: string) => stackJson(dir, stack).resource.aws_instance;
      expect(Object.keys(templates(base)).length).toBeGreaterThan(0);
      expect(templates(head)).toEqual(templates(base));
      expect(instances(head)).toEqual(instances(base));
    }
  });

  it("changes only the release's compose object, in place (the association's pins follow its new version at plan)", () => {
    const changes = diffSyntheses(
      readSynthesis(base, { command: 'test', flag: '--base', given: 'base' }),
      readSynthesis(head, { command: 'test', flag: '--head', given: 'head' }),
    );
    expect(changes.map((s) => s.stack)).toEqual(HOST_STACKS);
    for (const stack of changes) {
      expect(stack.changes.map((c) => [c.type, c.action, c.attributes.map((a) => a.path)])).toEqual([['aws_s3_object', 'update', ['content']]]);
      const [release] = releaseEntries(stack.changes);
      expect(release).toEqual({
        stack: stack.stack,
        address: stack.changes[0].address,
        images: [{ service: 'api', before: 'ghcr.io/acme/api:1.14.2', after: 'ghcr.io/acme/api:1.15.0' }],
      });
    }
  });

  it('is named in the JSON review, read from the synthesized release objects', async () => {
    const result = await run(root, 'review', '--base', base, '--head', head, '--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { releases: ReleaseEntry[]; summary: { replace: number; update: number } };
    expect(report.releases.map((r) => [r.stack, r.images])).toEqual(
      HOST_STACKS.map((stack) => [stack, [{ service: 'api', before: 'ghcr.io/acme/api:1.14.2', after: 'ghcr.io/acme/api:1.15.0' }]]),
    );
    expect(report.summary).toMatchObject({ replace: 0, update: 2 });
    // The release objects are where the images come from.
    for (const stack of HOST_STACKS) {
      const object = Object.values(stackJson(head, stack).resource.aws_s3_object).find((o) => o.key === RELEASE_COMPOSE_KEY)!;
      expect(composeImages(object.content)?.get('api')).toBe('ghcr.io/acme/api:1.15.0');
    }
  });

  it('is named in the Markdown review (the pull request comment)', async () => {
    const result = await run(root, 'review', '--base', base, '--head', head);
    expect(result.code).toBe(1);
    const section = result.stdout.slice(result.stdout.indexOf('### Releases on hosts'), result.stdout.indexOf('### Security'));
    expect(section.split('\n').filter((line) => line.startsWith('- '))).toEqual(
      HOST_STACKS.map((stack) => `- \`${stack}\`: \`api: ghcr.io/acme/api:1.14.2 → 1.15.0\``),
    );
    expect(result.stdout).not.toContain('user_data');
  });

  it('has no release section when no release changes', async () => {
    const result = await run(root, 'review', '--base', base, '--head', base);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('Releases on hosts');
  });
});

describe('image change text', () => {
  it.each([
    [{ service: 'api', before: 'ghcr.io/acme/api:1.14.2', after: 'ghcr.io/acme/api:1.15.0' }, 'api: ghcr.io/acme/api:1.14.2 → 1.15.0'],
    [
      { service: 'api', before: 'ghcr.io/acme/api:1.14.2', after: 'registry.example.com/api:1.15.0' },
      'api: ghcr.io/acme/api:1.14.2 → registry.example.com/api:1.15.0',
    ],
    [{ service: 'api', before: 'localhost:5000/api:1', after: 'localhost:5000/api:2' }, 'api: localhost:5000/api:1 → 2'],
    [{ service: 'api', before: 'ghcr.io/acme/api@sha256:aa', after: 'ghcr.io/acme/api@sha256:bb' }, 'api: ghcr.io/acme/api@sha256:aa → sha256:bb'],
    [{ service: 'jobs', after: 'ghcr.io/acme/jobs:1.0.0' }, 'jobs: added, ghcr.io/acme/jobs:1.0.0'],
    [{ service: 'jobs', before: 'ghcr.io/acme/jobs:1.0.0' }, 'jobs: removed, was ghcr.io/acme/jobs:1.0.0'],
  ])('%o → %s', (change, text) => {
    expect(imageChangeText(change)).toBe(text);
  });

  it('reads the images of a Terraform-escaped compose file, and nothing of an unreadable one', () => {
    expect([...(composeImages('services:\n  api:\n    image: a:1\n    environment:\n      X: $${HOME}\n') ?? [])]).toEqual([['api', 'a:1']]);
    expect(composeImages('(sensitive)')).toBeUndefined();
    expect(composeImages('services: [')).toBeUndefined();
  });
});
