/**
 * The pull request workflow (.github/workflows/stagecraft-review.yml), without GitHub: its YAML
 * parsed and the jobs, steps and permissions it relies on asserted; every action pinned by a
 * full commit SHA; its shell checked by `bash -n`; and its comment script run against a stand-in
 * for the GitHub API, so "one comment, updated in place" is exercised, not just written down.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../helpers/examples';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
  if?: string;
  id?: string;
  'working-directory'?: string;
}
interface Workflow {
  name: string;
  on: { pull_request: { types: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
}

const FILE = join(PROJECT_ROOT, '.github', 'workflows', 'stagecraft-review.yml');
const text = readFileSync(FILE, 'utf8');
const workflow = parse(text) as Workflow;
const steps = workflow.jobs.review.steps;
const step = (name: string): Step => {
  const found = steps.find((s) => s.name === name);
  if (!found) throw new Error(`no step "${name}"`);
  return found;
};

describe('the review workflow', () => {
  it('runs on pull requests with read access to the code and write access to pull requests only', () => {
    expect(workflow.on.pull_request.types).toEqual(['opened', 'synchronize', 'reopened', 'ready_for_review']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(Object.keys(workflow.jobs)).toEqual(['review']);
  });

  it('checks out base and head, installs both, synthesizes both, then reviews and publishes, in that order', () => {
    expect(steps.map((s) => s.name)).toEqual([
      'Check out the head',
      'Check out the base',
      'Set up Node.js',
      'Install the head',
      'Install the base',
      'Synthesize the head',
      'Synthesize the base',
      'Review base → head',
      'Upload the full report',
      'Post or update the review comment',
    ]);
    expect(step('Check out the head').with).toMatchObject({ ref: '${{ github.event.pull_request.head.sha }}', path: 'head', 'persist-credentials': false });
    expect(step('Check out the base').with).toMatchObject({ ref: '${{ github.event.pull_request.base.sha }}', path: 'base', 'persist-credentials': false });
    for (const side of ['head', 'base']) {
      expect(step(`Install the ${side}`)).toMatchObject({ 'working-directory': side, run: 'npm ci --no-audit --no-fund' });
      expect(step(`Synthesize the ${side}`)).toMatchObject({ 'working-directory': side, run: 'node bin/stagecraft.js synth --out cdktf.out' });
    }
    const review = step('Review base → head');
    expect(review['working-directory']).toBe('head');
    expect(review.run).toContain('node bin/stagecraft.js review --base ../base/cdktf.out --head cdktf.out "$@"');
    expect(review.run).toContain('review > ../review/comment.md');
    expect(review.run).toContain('review --max-chars 0 > ../review/review.md');
    expect(review.run).toContain('review --json > ../review/review.json');
    expect(step('Upload the full report')).toMatchObject({ if: 'always()', with: { name: 'stagecraft-review', path: 'review/' } });
  });

  it('pins every action by a full commit SHA, with its tag in a comment', () => {
    const uses = text.split('\n').filter((l) => /^\s+uses: /.test(l));
    expect(uses.length).toBe(steps.filter((s) => s.uses).length);
    for (const line of uses) expect(line).toMatch(/uses: [\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it('has shell that bash parses', () => {
    for (const s of steps.filter((x) => x.run)) {
      const result = spawnSync('bash', ['-n'], { input: s.run, encoding: 'utf8' });
      expect([s.name, result.status, result.stderr]).toEqual([s.name, 0, '']);
    }
  });
});

describe('the comment script', () => {
  const script = step('Post or update the review comment').with!.script;
  type Comment = { id: number; body: string; user: { type: string } };

  /** Runs the script as actions/github-script does, against an in-memory issue with `comments`. */
  async function runScript(comments: Comment[], report: string) {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-workflow-'));
    writeFileSync(join(dir, 'comment.md'), report);
    const calls: string[] = [];
    const listComments = () => undefined;
    const github = {
      paginate: async (method: unknown, params: { issue_number: number }) => {
        expect([method, params.issue_number]).toEqual([listComments, 42]);
        return comments;
      },
      rest: {
        issues: {
          listComments,
          updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
            calls.push(`update ${comment_id}`);
            comments.find((c) => c.id === comment_id)!.body = body;
          },
          createComment: async ({ body }: { body: string }) => {
            calls.push('create');
            comments.push({ id: 100 + comments.length, body, user: { type: 'Bot' } });
            return { data: { id: 100 + comments.length - 1 } };
          },
        },
      },
    };
    const context = { repo: { owner: 'acme', repo: 'infra' }, payload: { pull_request: { number: 42 } } };
    const core = { info: () => undefined };
    const saved = { ...process.env };
    Object.assign(process.env, { COMMENT_FILE: join(dir, 'comment.md'), RUN_URL: 'https://github.example/run/1' });
    try {
      const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
      await new AsyncFunction('require', 'github', 'context', 'core', script)(require, github, context, core);
    } finally {
      process.env = saved;
    }
    return calls;
  }

  it('creates one comment with the hidden marker, then updates that same comment on the next push', async () => {
    const comments: Comment[] = [{ id: 1, body: 'LGTM', user: { type: 'User' } }];
    expect(await runScript(comments, '## Stagecraft review: first\n')).toEqual(['create']);
    expect(await runScript(comments, '## Stagecraft review: second\n')).toEqual(['update 101']);
    expect(comments.map((c) => c.body.split('\n').slice(0, 2).join(' | '))).toEqual(['LGTM', '<!-- stagecraft-review --> | ## Stagecraft review: second']);
    expect(comments[1].body).toContain('Full report: the `stagecraft-review` artifact of [this run](https://github.example/run/1).');
  });

  it("does not take over someone's comment that quotes the marker", async () => {
    const comments: Comment[] = [{ id: 7, body: '<!-- stagecraft-review -->\nmine', user: { type: 'User' } }];
    expect(await runScript(comments, '## Stagecraft review\n')).toEqual(['create']);
  });

  it('refuses a body over 65,536 characters rather than letting GitHub truncate or reject it mid-run', async () => {
    await expect(runScript([], 'x'.repeat(65_536))).rejects.toThrow(/^the review comment has 65\d{3} characters; GitHub accepts 65536$/);
  });
});
