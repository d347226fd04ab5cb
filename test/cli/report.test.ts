/** `stagecraft report` end to end: the pages it writes, atomic replacement, and bad --out by exact message. */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, tinyProject } from '../helpers/cli';

let root: string;
beforeAll(async () => {
  root = await tinyProject();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('stagecraft report', () => {
  it('writes the stage comparison and one page per environment, and prints each size and the total', async () => {
    const result = await run(root, 'report', '--out', 'site', '--from', 'base');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('report tiny-launch: diagram, autoscaling, guardrails, readiness, cost\n');
    const dir = join(root, 'site');
    expect(readdirSync(dir).sort()).toEqual(['.stagecraft-output', 'index.html', 'tiny-launch.html']);
    const sizes = ['index.html', 'tiny-launch.html'].map((f) => statSync(join(dir, f)).size);
    expect(result.stdout).toBe(
      `index.html                   ${String(sizes[0]).padStart(9)} bytes\n` +
        `tiny-launch.html             ${String(sizes[1]).padStart(9)} bytes\n` +
        `wrote 2 pages to site: ${sizes[0] + sizes[1]} bytes in total\n`,
    );
    const page = readFileSync(join(dir, 'tiny-launch.html'), 'utf8');
    expect(page).toContain('<div class="diagram"><svg');
    // Offline: no script, no stylesheet or resource from elsewhere (the SVG namespace URIs are names, not requests).
    expect(page).not.toMatch(/<script|<link (?!rel="icon" href="data:,")|https?:\/\/(?!www\.w3\.org)/);
    for (const heading of ['Topology', 'Sized components (per region)', 'Autoscaling rules', 'Guardrail findings', 'Monthly cost'])
      expect(page).toContain(`<h2>${heading}</h2>`);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain('<a href="tiny-launch.html">launch</a>');
  });

  it('replaces an earlier report, and leaves it as it was when the run fails', async () => {
    const dir = join(root, 'again');
    expect((await run(root, 'report', '--out', 'again', '--from', 'base')).code).toBe(0);
    writeFileSync(join(dir, 'stale.html'), 'from an older run');
    const failed = await run(root, 'report', '--out', 'again', '--env', 'nope');
    expect(failed.code).toBe(2);
    expect(readdirSync(dir)).toContain('stale.html');
    expect((await run(root, 'report', '--out', 'again', '--from', 'base')).code).toBe(0);
    expect(readdirSync(dir)).not.toContain('stale.html');
    expect(readdirSync(root).filter((f) => f.includes('staging'))).toEqual([]);
  });

  it('exits 2 when --out is a file, a directory with other content, a source folder, or missing', async () => {
    const allowed = 'give a new directory, an empty one, or one Stagecraft wrote before (it holds .stagecraft-output)';
    writeFileSync(join(root, 'a-file'), 'x');
    mkdirSync(join(root, 'notes'));
    writeFileSync(join(root, 'notes', 'notes.md'), 'mine');
    const file = await run(root, 'report', '--out', 'a-file');
    expect(file.code).toBe(2);
    expect(file.stderr).toBe(`stagecraft report: --out: "a-file" (${root}/a-file) is a file, not a directory; ${allowed}\n`);
    const foreign = await run(root, 'report', '--out', 'notes');
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toBe(
      `stagecraft report: --out: "notes" (${root}/notes) is not empty and was not written by Stagecraft (no .stagecraft-output in it); ${allowed}, or remove it yourself\n`,
    );
    expect(readFileSync(join(root, 'notes', 'notes.md'), 'utf8')).toBe('mine');
    const source = await run(root, 'report', '--out', 'environments/report');
    expect(source.stderr).toBe(
      `stagecraft report: --out: "environments/report" (${root}/environments/report) is in the project's source folder environments/; ${allowed}\n`,
    );
    const none = await run(root, 'report');
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('stagecraft report: --out: a directory for the report is required\n');
    expect(existsSync(join(root, 'environments', 'report'))).toBe(false);
  });
});
