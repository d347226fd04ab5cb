import { summarizePlanStream } from '../../terraform/offline';

/** Lines in the shape `terraform plan -json` streams (Terraform 1.11 machine-readable UI). */
function stream(...messages: object[]): string {
  return messages.map((m) => JSON.stringify(m)).join('\n') + '\n';
}

describe('summarizePlanStream', () => {
  it('reads the counts from the change summary and counts planned changes', () => {
    const stdout = stream(
      { '@level': 'info', '@message': 'Terraform 1.11.4', type: 'version' },
      { '@level': 'info', type: 'planned_change', change: { resource: { addr: 'aws_vpc.a' }, action: 'create' } },
      { '@level': 'info', type: 'planned_change', change: { resource: { addr: 'aws_vpc.b' }, action: 'update' } },
      { '@level': 'info', type: 'change_summary', changes: { add: 1, change: 1, import: 0, remove: 0, operation: 'plan' } },
    );
    expect(summarizePlanStream(stdout)).toEqual({ add: 1, change: 1, destroy: 0, resourceCount: 2 });
  });

  it('returns undefined when the stream has no change summary', () => {
    expect(summarizePlanStream('not json\n' + stream({ type: 'version' }))).toBeUndefined();
  });
});
