/** The project root is found from any subfolder, and cdktf.json may move its folders; bad settings are exact messages. */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem, UserInputError } from '../../config/errors';
import { environmentFiles } from '../../config/load';
import { findProjectRoot, parseLayout, projectLayout } from '../../config/project';
import { projectServiceCatalog } from '../../config/services';
import { run, TINY_LAUNCH } from '../helpers/cli';
import { EXAMPLES_ROOT, PROJECT_ROOT } from '../helpers/examples';
import { copyExampleServices } from '../helpers/services';

function problems(text: string): string[] {
  try {
    parseLayout(text);
    return [];
  } catch (error) {
    if (error instanceof UserInputError) return error.problems.map(formatProblem);
    throw error;
  }
}

describe('findProjectRoot', () => {
  it('walks up to the nearest folder with cdktf.json, from any depth', () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-project-'));
    writeFileSync(join(root, 'cdktf.json'), '{}');
    mkdirSync(join(root, 'infra', 'modules', 'deep'), { recursive: true });
    expect(findProjectRoot(join(root, 'infra', 'modules', 'deep'))).toBe(root);
    expect(findProjectRoot(root)).toBe(root);
  });

  it('takes a folder with environments/ and no cdktf.json as a root too', () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-project-'));
    mkdirSync(join(root, 'environments'));
    mkdirSync(join(root, 'notes'));
    expect(findProjectRoot(join(root, 'notes'))).toBe(root);
    expect(findProjectRoot(join(root, 'environments'))).toBe(root);
  });

  it('keeps the starting folder when nothing above it is a project', () => {
    const lone = mkdtempSync(join(tmpdir(), 'stagecraft-lone-'));
    expect(findProjectRoot(lone)).toBe(lone);
  });

  it("finds this repository's root from its source folders and from inside the example product its cdktf.json points at", () => {
    expect(findProjectRoot(join(PROJECT_ROOT, 'cli', 'commands'))).toBe(PROJECT_ROOT);
    expect(findProjectRoot(join(EXAMPLES_ROOT, 'services'))).toBe(PROJECT_ROOT);
    expect(findProjectRoot(EXAMPLES_ROOT)).toBe(PROJECT_ROOT);
    // The other examples are products of their own: the root cdktf.json does not point at them.
    expect(findProjectRoot(join(PROJECT_ROOT, 'examples', 'collaboration', 'services'))).toBe(join(PROJECT_ROOT, 'examples', 'collaboration'));
  });

  it('prefers the nearest cdktf.json above that points at a folder with environments/ over that folder (docs/install.md)', () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-project-'));
    writeFileSync(join(root, 'cdktf.json'), JSON.stringify({ context: { stagecraft: { environments: 'infra/environments', services: 'infra/services' } } }));
    mkdirSync(join(root, 'infra', 'environments'), { recursive: true });
    mkdirSync(join(root, 'infra', 'services'));
    expect(findProjectRoot(join(root, 'infra'))).toBe(root);
    expect(findProjectRoot(join(root, 'infra', 'services'))).toBe(root);
  });

  it('synthesizes from infra/ into the root cdktf.out, where `cdktf synth` writes, when the root cdktf.json points at infra/', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-project-'));
    writeFileSync(join(root, 'cdktf.json'), JSON.stringify({ context: { stagecraft: { environments: 'infra/environments', services: 'infra/services' } } }));
    mkdirSync(join(root, 'infra', 'environments'), { recursive: true });
    writeFileSync(join(root, 'infra', 'environments', 'tiny.yaml'), TINY_LAUNCH);
    copyExampleServices(join(root, 'infra'));
    const result = await run(join(root, 'infra'), 'synth');
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: 'synth tiny-launch (launch): 2 stacks\n' });
    expect(existsSync(join(root, 'cdktf.out', 'manifest.json'))).toBe(true);
    expect(existsSync(join(root, 'infra', 'cdktf.out'))).toBe(false);
  });

  it('keeps a folder with environments/ as its own root when the cdktf.json above points elsewhere or is not valid', () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-project-'));
    writeFileSync(join(root, 'cdktf.json'), JSON.stringify({ context: { stagecraft: { environments: 'stacks/environments' } } }));
    mkdirSync(join(root, 'tools', 'environments'), { recursive: true });
    expect(findProjectRoot(join(root, 'tools'))).toBe(join(root, 'tools'));
    writeFileSync(join(root, 'cdktf.json'), '{ "app": ');
    expect(findProjectRoot(join(root, 'tools', 'environments'))).toBe(join(root, 'tools'));
  });
});

describe('projectLayout', () => {
  it("defaults to environments/ and services/, and reads this repository's pointer to examples/chat", () => {
    expect(projectLayout(EXAMPLES_ROOT)).toEqual({ environmentsDir: 'environments', servicesDir: 'services' });
    expect(projectLayout(PROJECT_ROOT)).toEqual({ environmentsDir: 'examples/chat/environments', servicesDir: 'examples/chat/services' });
    expect(environmentFiles(['launch'], PROJECT_ROOT)).toEqual(['examples/chat/environments/launch.yaml']);
    expect(projectServiceCatalog(join(PROJECT_ROOT, 'docs')).services.map((s) => s.sourceFile)).toContain('examples/chat/services/api.yaml');
  });

  it('refuses a cdktf.json that is not JSON, and settings that are not relative folders, all at once', () => {
    expect(problems('{ "app": ')).toEqual([expect.stringMatching(/^cdktf\.json: \(root\): not valid JSON \(.+\)$/)]);
    expect(problems('[]')).toEqual(['cdktf.json: (root): expected a JSON object']);
    expect(problems('{"context": {"stagecraft": "examples"}}')).toEqual([
      'cdktf.json: context.stagecraft: expected an object with environments and services; received "examples"',
    ]);
    expect(problems('{"context": {"stagecraft": {"environments": "/etc", "services": 3, "charts": "x"}}}')).toEqual([
      'cdktf.json: context.stagecraft.charts: unknown setting; allowed: environments, services',
      'cdktf.json: context.stagecraft.environments: expected a folder relative to the project root (e.g. "environments"); received "/etc"',
      'cdktf.json: context.stagecraft.services: expected a folder relative to the project root (e.g. "services"); received 3',
    ]);
  });
});
