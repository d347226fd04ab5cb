/** Long strings as line diffs: decoded from base64, a base64encode() template or JSON first. */
import { diffLines, readableText, valueLineDiff } from '../../review/line-diff';

const cloudInit = (image: string) =>
  ['#cloud-config', 'write_files:', '  - path: /etc/app.yaml', `    content: "image: ${image}"`, 'runcmd:', '  - systemctl start app'].join('\n');

describe('line diffs of long values', () => {
  it('decodes base64 user data and shows only the changed line with its context', () => {
    const before = Buffer.from(cloudInit('app:1.0')).toString('base64');
    const after = Buffer.from(cloudInit('app:1.1')).toString('base64');
    expect(valueLineDiff(before, after)).toEqual({
      decoded: 'base64',
      lines: [
        '@@ -2 +2 @@',
        ' write_files:',
        '   - path: /etc/app.yaml',
        '-    content: "image: app:1.0"',
        '+    content: "image: app:1.1"',
        ' runcmd:',
        '   - systemctl start app',
      ],
    });
  });

  it('decodes a base64encode() template, keeping its interpolations as written', () => {
    const value = '${base64encode("a: \\"1\\"\\nhosts: ${join(",", [])}\\nliteral: $${HOME} %%{x}\\n")}';
    expect(readableText(value)).toEqual({ text: 'a: "1"\nhosts: ${join(",", [])}\nliteral: ${HOME} %{x}\n', decoded: 'base64encode() of a literal' });
  });

  it('pretty-prints JSON policies so a changed action is one line', () => {
    const policy = (action: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'ReadAssets', Effect: 'Allow', Action: [action], Resource: 'arn:aws:s3:::acme-assets/*' }],
      });
    const diff = valueLineDiff(policy('s3:GetObject'), policy('s3:*'))!;
    expect(diff.decoded).toBe('JSON');
    expect(diff.lines.filter((l) => /^[-+]/.test(l))).toEqual(['-        "s3:GetObject"', '+        "s3:*"']);
  });

  it('leaves short one-line values inline, and separates distant changes into hunks', () => {
    expect(valueLineDiff('t3.large', 't3.xlarge')).toBeUndefined();
    const a = Array.from({ length: 20 }, (_, i) => `line ${i}`);
    const b = a.map((l, i) => (i === 1 || i === 18 ? `${l} changed` : l));
    expect(diffLines(a.join('\n'), b.join('\n')).filter((l) => l.startsWith('@@'))).toEqual(['@@ -1 +1 @@', '@@ -17 +17 @@']);
  });
});
