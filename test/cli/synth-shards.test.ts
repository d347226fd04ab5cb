/**
 * Postgres shards homed in regions (components.postgres.shards, docs/shards.md): every shard map
 * the environment cannot run is refused with exit 2, one exact line per problem, and nothing is
 * written.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/main';
import { Io } from '../../cli/command';
import { copyExampleServices } from '../helpers/services';
import { SEVERAL_REGIONS_EDGE } from '../helpers/environments';

async function synth(yaml: string) {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-shards-'));
  mkdirSync(join(root, 'environments'));
  copyExampleServices(root);
  writeFileSync(join(root, 'environments', 'bad.yaml'), yaml);
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => (stdout += t), err: (t) => (stderr += t), cwd: root };
  const code = await runCli(['synth'], io);
  return { code, stdout, stderr, wrote: existsSync(join(root, 'cdktf.out')) };
}

const FOUR = `name: shards-bad\nstage: massive\nregions: [us-east-1, us-west-2, eu-west-1, ap-northeast-1]\ndomain: bad.example.com\n${SEVERAL_REGIONS_EDGE}`;
const POSTGRES = `${FOUR}database:\n  engine: postgres\n`;
const shards = (body: string) => `${POSTGRES}components:\n  postgres:\n    shards:\n${body}`;
const HOMES = '      count: 80\n      homes:\n';

describe('stagecraft synth: Postgres shard homes', () => {
  const cases: Array<[string, string, string]> = [
    [
      'a count that does not split evenly without homes',
      shards('      count: 81\n'),
      'components.postgres.shards.count: 81 shards do not split evenly over 4 regions; allowed: a multiple of 4, or components.postgres.shards.homes to say which region homes which shards',
    ],
    [
      'a home in a region the environment lacks',
      shards(`${HOMES}        us-east-1: 0-39\n        us-west-1: 40-79\n`),
      "components.postgres.shards.homes.us-west-1: us-west-1 is not one of this environment's regions; allowed: us-east-1, us-west-2, eu-west-1, ap-northeast-1",
    ],
    [
      'overlapping homes',
      shards(`${HOMES}        us-east-1: 0-20\n        us-west-2: 20-39\n        eu-west-1: 40-59\n        ap-northeast-1: 60-79\n`),
      'components.postgres.shards.homes.us-west-2: shard 20 is already homed in us-east-1; each shard has one home region',
    ],
    [
      'a shard out of range',
      shards(`${HOMES}        us-east-1: 0-19\n        us-west-2: 20-39\n        eu-west-1: 40-59\n        ap-northeast-1: 60-80\n`),
      'components.postgres.shards.homes.ap-northeast-1: shard 80 is out of range; allowed: 0–79 (components.postgres.shards.count is 80)',
    ],
    [
      'a home that is not ranges',
      shards(`${HOMES}        us-east-1: twenty\n`),
      'components.postgres.shards.homes.us-east-1: "twenty" is not a list of shard ranges; allowed: ranges and shards separated by commas (e.g. "0-19" or "0-9, 40-49")',
    ],
    [
      'shards without a home',
      shards(`${HOMES}        us-east-1: 0-19\n        us-west-2: 20-39\n        eu-west-1: 40-59\n        ap-northeast-1: 60-69\n`),
      'components.postgres.shards.homes: shards 70-79 have no home region; every shard 0–79 needs one',
    ],
    [
      'a region that homes no shard',
      shards(`${HOMES}        us-east-1: 0-29\n        us-west-2: 30-59\n        eu-west-1: 60-79\n`),
      'components.postgres.shards.homes: ap-northeast-1 homes no shard; every region homes at least one, since its services write only to the shards homed there (docs/shards.md)',
    ],
    [
      'homes without a count',
      shards('      homes:\n        us-east-1: 0-19\n'),
      'components.postgres.shards.homes: needs components.postgres.shards.count: the homes name shards 0 to count − 1',
    ],
    [
      'the count in two places',
      `${FOUR}database:\n  engine: postgres\n  shards: 8\ncomponents:\n  postgres:\n    shards:\n      count: 8\n`,
      'components.postgres.shards.count: database.shards (8) says it too; give the count in one place',
    ],
    [
      'shards on CockroachDB',
      `${FOUR}components:\n  postgres:\n    shards:\n      count: 8\n`,
      'components.postgres.shards: applies to engine postgres (database.engine: postgres); CockroachDB shards its ranges itself',
    ],
    [
      'shards before hyperscale',
      'name: shards-bad\nstage: scale\nregions: [us-west-2]\ndomain: bad.example.com\ncomponents:\n  postgres:\n    shards:\n      count: 4\n',
      'components.postgres.shards: scale runs one Postgres primary; shards (Aurora clusters homed in regions) start at hyperscale',
    ],
  ];

  it.each(cases)('refuses %s with exit 2 and one exact line, writing nothing', async (_, yaml, message) => {
    const result = await synth(yaml);
    expect({ code: result.code, stderr: result.stderr, stdout: result.stdout, wrote: result.wrote }).toEqual({
      code: 2,
      stderr: `environments/bad.yaml: ${message}\n`,
      stdout: '',
      wrote: false,
    });
  });

  it('refuses more shards or readers than Aurora and Stagecraft build', async () => {
    const result = await synth(shards('      count: 300\n      replicasPerShard: 16\n'));
    expect({ code: result.code, stderr: result.stderr, wrote: result.wrote }).toEqual({
      code: 2,
      stderr: [
        'environments/bad.yaml: components.postgres.shards.count: must be at most 256; received number 300',
        'environments/bad.yaml: components.postgres.shards.replicasPerShard: must be at most 15; received number 16',
        '',
      ].join('\n'),
      wrote: false,
    });
  });
});
