/**
 * Every field of the environment and service schemas says what it is (`.describe()`), because the
 * generated reference (docs/reference/) is written from those descriptions.
 */
import { z } from 'zod';
import { environmentSchema } from '../../config/schema';
import { serviceSchema } from '../../config/service-schema';
import { schemaFields, splitDefault, undescribedFields } from '../../scripts/reference/schema-fields';

describe('schema descriptions', () => {
  it('every field of environments/<name>.yaml has a description', () => {
    expect(undescribedFields(environmentSchema)).toEqual([]);
  });

  it('every field of services/<name>.yaml has a description', () => {
    expect(undescribedFields(serviceSchema)).toEqual([]);
  });

  it('the check lists a field without one, with its full path, including in lists, maps and union variants', () => {
    const schema = z.strictObject({
      described: z.string().describe('Has one.'),
      bare: z.number().optional(),
      list: z.array(z.strictObject({ inner: z.boolean() })).describe('A list.'),
      map: z.record(z.string(), z.strictObject({ value: z.string() })).describe('A map.'),
      choice: z
        .discriminatedUnion('kind', [z.strictObject({ kind: z.literal('a') }), z.strictObject({ kind: z.literal('b'), size: z.number() })])
        .describe('A choice.'),
    });
    expect(undescribedFields(schema)).toEqual(['bare', 'list[].inner', 'map.<key>.value', 'choice.size (kind: b)']);
  });

  it('splits the @default part from the description', () => {
    expect(splitDefault('Days backups are kept. @default 7 on launch, 14 after')).toEqual({
      description: 'Days backups are kept.',
      default: '7 on launch, 14 after',
    });
    expect(splitDefault('@default 300')).toEqual({ description: '', default: '300' });
    expect(splitDefault('No default here.')).toEqual({ description: 'No default here.' });
  });

  it('reads ranges from checks and from the refusal message of a refinement', () => {
    const fields = schemaFields(
      z.strictObject({
        count: z.number().int().min(1).max(5).describe('A count.'),
        refined: z
          .number()
          .refine((n) => n >= 0 && n <= 60, { error: (issue) => `must be 0–60 seconds; received ${String(issue.input)}` })
          .describe('Refined.'),
        word: z
          .string()
          .regex(/^[a-z]+$/, { error: (issue) => `${JSON.stringify(issue.input)} is not a lowercase word (e.g. abc)` })
          .describe('A word.'),
        bareRegex: z.string().regex(/^x+$/).describe('Only x.'),
      }),
    );
    expect(fields.map((f) => [f.path, f.type, f.allowed])).toEqual([
      ['count', 'integer', '1–5'],
      ['refined', 'number', '0–60 seconds'],
      ['word', 'string', 'a lowercase word (e.g. abc)'],
      ['bareRegex', 'string', 'matches `^x+$`'],
    ]);
  });
});
