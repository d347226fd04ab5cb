/**
 * The wire-level cut of a `GetProviderSchema` response (terraform/provider-schema-trim.ts), on a
 * response encoded here with protobufjs from the tfplugin5 field numbers: the kept map entries are
 * the named types plus what terraform's own errors about a named type would mention, byte for byte,
 * and every other field survives untouched. (That terraform plans the same through it, and reports a
 * type the provider lacks the same way, is aws-schema-proxy.test.ts's end-to-end check.)
 */
import * as protobuf from 'protobufjs';
import { editDistance, keptTypes, parseProviderSchema, trimProviderSchema } from '../../terraform/provider-schema-trim';

/** A Schema stand-in: only its bytes matter to the cut, which never decodes it. */
const schema = new protobuf.Type('Schema').add(new protobuf.Field('version', 1, 'int64')).add(new protobuf.Field('label', 2, 'string'));
const capabilities = new protobuf.Type('ServerCapabilities').add(new protobuf.Field('getProviderSchemaOptional', 2, 'bool'));
const fn = new protobuf.Type('Function').add(new protobuf.Field('summary', 4, 'string'));
const diagnostic = new protobuf.Type('Diagnostic').add(new protobuf.Field('summary', 2, 'string'));
const response = new protobuf.Type('Response')
  .add(new protobuf.Field('provider', 1, 'Schema'))
  .add(new protobuf.MapField('resourceSchemas', 2, 'string', 'Schema'))
  .add(new protobuf.MapField('dataSourceSchemas', 3, 'string', 'Schema'))
  .add(new protobuf.Field('diagnostics', 4, 'Diagnostic', 'repeated'))
  .add(new protobuf.Field('providerMeta', 5, 'Schema'))
  .add(new protobuf.Field('serverCapabilities', 6, 'ServerCapabilities'))
  .add(new protobuf.MapField('functions', 7, 'string', 'Function'))
  .add(new protobuf.MapField('ephemeralResourceSchemas', 8, 'string', 'Schema'));
new protobuf.Root().add(schema).add(capabilities).add(fn).add(diagnostic).add(response);

const entries = (names: readonly string[]): Record<string, { version: number; label: string }> =>
  Object.fromEntries(names.map((name, i) => [name, { version: i, label: `schema of ${name}` }]));

const full = {
  provider: { version: 0, label: 'provider block' },
  resourceSchemas: entries(['aws_vpc', 'aws_subnet', 'aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_kms_key', 'aws_instance']),
  dataSourceSchemas: entries(['aws_vpc', 'aws_caller_identity', 'aws_region', 'aws_iam_policy_document']),
  diagnostics: [{ summary: 'a warning the provider sends' }],
  providerMeta: { version: 0, label: 'meta' },
  serverCapabilities: { getProviderSchemaOptional: true },
  functions: { arn_parse: { summary: 'Parse an ARN' }, arn_build: { summary: 'Build an ARN' } },
  ephemeralResourceSchemas: entries(['aws_kms_secrets', 'aws_secretsmanager_secret_version']),
};
const fullBytes = Buffer.from(response.encode(response.fromObject(full)).finish());
const set = (...names: string[]): ReadonlySet<string> => new Set(names);

type Decoded = typeof full;
const decode = (bytes: Buffer): Decoded => response.toObject(response.decode(bytes), { longs: Number }) as Decoded;

describe('a GetProviderSchema response cut to the types one root names', () => {
  it('lists every type the provider serves, by kind', () => {
    expect(parseProviderSchema(fullBytes).types).toEqual({
      resource: Object.keys(full.resourceSchemas),
      data: Object.keys(full.dataSourceSchemas),
      ephemeral: Object.keys(full.ephemeralResourceSchemas),
    });
  });

  it('keeps the named types and every field other than the three type maps as they were', () => {
    const trimmed = trimProviderSchema(parseProviderSchema(fullBytes), {
      resource: set('aws_s3_bucket', 'aws_kms_key'),
      data: set('aws_iam_policy_document'),
      ephemeral: set('aws_kms_secrets'),
    });
    const { resourceSchemas, dataSourceSchemas, ephemeralResourceSchemas, ...rest } = decode(trimmed);
    const { resourceSchemas: _r, dataSourceSchemas: _d, ephemeralResourceSchemas: _e, ...fullRest } = full;
    expect(rest).toEqual(fullRest);
    expect(resourceSchemas).toEqual({ aws_s3_bucket: full.resourceSchemas.aws_s3_bucket, aws_kms_key: full.resourceSchemas.aws_kms_key });
    expect(dataSourceSchemas).toEqual({ aws_iam_policy_document: full.dataSourceSchemas.aws_iam_policy_document });
    expect(ephemeralResourceSchemas).toEqual({ aws_kms_secrets: full.ephemeralResourceSchemas.aws_kms_secrets });
    expect(trimmed.length).toBeLessThan(fullBytes.length);
  });

  it('keeps a named type in every kind that has it (terraform: "Did you intend to use the data source …?")', () => {
    const kept = keptTypes(parseProviderSchema(fullBytes), { resource: set('aws_caller_identity', 'aws_vpc'), data: set(), ephemeral: set() });
    expect(kept).toEqual({ resource: new Set(['aws_vpc']), data: new Set(['aws_vpc', 'aws_caller_identity']), ephemeral: new Set() });
  });

  it('keeps, for a named type its kind lacks, every type terraform could suggest for it (edit distance under 3)', () => {
    const kept = keptTypes(parseProviderSchema(fullBytes), { resource: set('aws_s3_bukcet', 'aws_vcp'), data: set('aws_regoin'), ephemeral: set() });
    expect(kept).toEqual({ resource: new Set(['aws_vpc', 'aws_s3_bucket']), data: new Set(['aws_region']), ephemeral: new Set() });
    // Two transpositions of adjacent letters cost two edits each; kitten → sitting, the textbook case, three (not suggested).
    expect([editDistance('aws_s3_bukcet', 'aws_s3_bucket'), editDistance('aws_vcp', 'aws_vpc'), editDistance('kitten', 'sitting')]).toEqual([2, 2, 3]);
  });

  it('is the whole response again when every type is named, byte for byte', () => {
    const parsed = parseProviderSchema(fullBytes);
    const everything = { resource: set(...parsed.types.resource), data: set(...parsed.types.data), ephemeral: set(...parsed.types.ephemeral) };
    expect(trimProviderSchema(parsed, everything).equals(fullBytes)).toBe(true);
  });

  it('refuses bytes that are not a protobuf message rather than cutting them', () => {
    expect(() => parseProviderSchema(Buffer.from([0x12, 0x7f, 0x01]))).toThrow('field 2 at byte 0 runs past the end of the message');
  });
});
