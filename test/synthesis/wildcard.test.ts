/**
 * The one converter of AWS wildcard patterns (IAM resources and actions, ALB host and path
 * conditions): `*` and `?` are wildcards, every other character means itself, the whole value
 * must match.
 */
import { wildcardRegExp } from '../../synthesis/wildcard';

describe('wildcardRegExp', () => {
  it('gives * any run of characters (none too) and ? exactly one', () => {
    const secret = wildcardRegExp('app/db-??????');
    expect(secret.test('app/db-AbCdEf')).toBe(true);
    expect(secret.test('app/db-AbCdE')).toBe(false);
    expect(secret.test('app/db-AbCdEfG')).toBe(false);
    const prefix = wildcardRegExp('s3:Get*');
    expect(['s3:Get', 's3:GetObject', 's3:GetObjectVersion'].map((a) => prefix.test(a))).toEqual([true, true, true]);
    expect(prefix.test('s3:PutObject')).toBe(false);
  });

  it('anchors the pattern at both ends', () => {
    const path = wildcardRegExp('/api/*');
    expect(path.test('/api/users')).toBe(true);
    expect(path.test('/v1/api/users')).toBe(false);
    expect(wildcardRegExp('chat.example.com').test('chat.example.com.evil.net')).toBe(false);
  });

  it.each([
    ['.', 'a.b', 'aXb'],
    ['+', 'a+', 'aa'],
    ['^', 'a^b', 'ab'],
    ['$', 'a$', 'a'],
    ['{ }', 'a{2}', 'aa'],
    ['( ) |', '(a|b)', 'a'],
    ['[ ]', '[ab]', 'a'],
    ['\\', 'a\\d', 'a1'],
    ['${ (a terraform template)', '${var.x}', '$var.x'],
  ])('escapes %s: %s matches only itself, not %s', (_, pattern, other) => {
    const regExp = wildcardRegExp(pattern);
    expect(regExp.test(pattern)).toBe(true);
    expect(regExp.test(other)).toBe(false);
  });

  it('keeps a wildcard a wildcard beside escaped characters', () => {
    expect(wildcardRegExp('\\*').test('\\anything')).toBe(true);
    expect(wildcardRegExp('a.?').test('a.b')).toBe(true);
    expect(wildcardRegExp('a.?').test('aXb')).toBe(false);
  });

  it('matches without regard to case only when asked (ALB hosts), with it otherwise (ALB paths, IAM)', () => {
    expect(wildcardRegExp('*.Example.com', true).test('chat.example.COM')).toBe(true);
    expect(wildcardRegExp('/API/*').test('/api/x')).toBe(false);
  });
});
