/**
 * `review` and `cost` on a synthesis whose stack has wrong-typed resources (a resource that is
 * null, a string, or a type that is a list): exit 2 naming the stack and the resource, not a TypeError.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackShapeProblems } from '../../synthesis/stack-shape';
import { run, tinyProject } from '../helpers/cli';

const STACK = 'tiny-launch-us-east-1';

describe('wrong-typed resources in a synthesis', () => {
  let root: string;
  beforeAll(async () => {
    root = await tinyProject();
  });

  /** A copy of `base` in `head` whose regional stack is changed by `edit`. */
  function corrupt(edit: (resources: Record<string, unknown>) => void): void {
    cpSync(join(root, 'base'), join(root, 'head'), { recursive: true, force: true });
    const file = join(root, 'head', 'stacks', STACK, 'cdk.tf.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as { resource: Record<string, unknown> };
    edit(json.resource);
    writeFileSync(file, JSON.stringify(json));
  }

  it('reports a null resource, a string resource and a list of resources with the stack and resource named', async () => {
    const cases: Array<[(resources: Record<string, Record<string, unknown>>) => void, string]> = [
      [(r) => (r.aws_vpc[Object.keys(r.aws_vpc)[0]] = null), 'is null; expected an object of arguments'],
      [(r) => (r.aws_vpc[Object.keys(r.aws_vpc)[0]] = 'oops'), 'is string "oops"; expected an object of arguments'],
    ];
    for (const [edit, what] of cases) {
      let address = '';
      corrupt((resources) => {
        const vpcs = resources.aws_vpc as Record<string, unknown>;
        address = `aws_vpc.${Object.keys(vpcs)[0]}`;
        edit(resources as Record<string, Record<string, unknown>>);
      });
      const review = await run(root, 'review', '--base', 'base', '--head', 'head');
      expect(review).toEqual({ code: 2, stdout: '', stderr: `stagecraft review: --head: head: stack ${STACK}: ${address} ${what}\n` });
      const cost = await run(root, 'cost', '--out', 'head');
      expect(cost).toEqual({
        code: 2,
        stdout: '',
        stderr: `${join(root, 'head', 'stacks', STACK, 'cdk.tf.json')}: (root): stack ${STACK}: ${address} ${what}; synthesize again\n`,
      });
    }
    corrupt((resources) => (resources.aws_vpc = [1, 2]));
    const review = await run(root, 'review', '--base', 'base', '--head', 'head');
    expect(review).toEqual({
      code: 2,
      stdout: '',
      stderr: `stagecraft review: --head: head: stack ${STACK}: aws_vpc is a list; expected an object of named resources\n`,
    });
  });

  it('accepts every stack the examples synthesize, and flags providers and outputs of the wrong shape', () => {
    const json = JSON.parse(readFileSync(join(root, 'base', 'stacks', STACK, 'cdk.tf.json'), 'utf8')) as Record<string, unknown>;
    expect(stackShapeProblems(STACK, json)).toEqual([]);
    expect(stackShapeProblems('s', { provider: { aws: [null] }, output: { x: 3 }, data: { aws_region: { here: [] } } })).toEqual([
      'stack s: data.aws_region.here is a list; expected an object of arguments',
      'stack s: output.x is number 3; expected an object',
      'stack s: provider.aws[0] is null; expected an object of provider arguments',
    ]);
  });
});
