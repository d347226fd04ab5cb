/** The Worker's one path normalization: every spelling of a limited path has the canonical form; ambiguous encodings are refused. */
import { AmbiguousPath, isUnder, normalizePath } from '../../workers/edge/paths';

describe('normalizePath', () => {
  it.each([
    ['/api/auth/login', '/api/auth/login'],
    ['/api/auth/login/', '/api/auth/login'],
    ['/api//auth/login', '/api/auth/login'],
    ['/API/auth/login', '/api/auth/login'],
    ['/Api/Auth/LOGIN//', '/api/auth/login'],
    ['//api/messages', '/api/messages'],
    ['/api%2Fmessages', '/api/messages'],
    ['/api%2f%2Fmessages', '/api/messages'],
    ['/%61pi/messages', '/api/messages'],
    ['/api/./messages', '/api/messages'],
    ['/api/x/../messages', '/api/messages'],
    ['/../../api/messages', '/api/messages'],
    ['/api/%2E%2E/healthz', '/healthz'],
    ['\\api\\messages', '/api/messages'],
    ['/api/files/a%20b', '/api/files/a%20b'],
    ['/', '/'],
    ['', '/'],
  ])('%s → %s', (raw, canonical) => {
    expect(normalizePath(raw)).toBe(canonical);
  });

  it.each([
    ['/api%252Fmessages', 'the path is percent-encoded twice (%25)'],
    ['/api/%zzauth', 'a "%" in the path must be followed by two hexadecimal digits'],
    ['/api/auth%', 'a "%" in the path must be followed by two hexadecimal digits'],
    ['/api/auth/login%00', 'the path contains an encoded control character'],
    ['/api%5Cmessages', 'the path contains an encoded backslash (%5C)'],
    ['/api/x%2F..%2Fauth/login', 'the path hides a dot segment behind an encoded slash (%2F)'],
  ])('refuses %s: %s', (raw, message) => {
    expect(() => normalizePath(raw)).toThrow(new AmbiguousPath(message));
  });

  it('decodes only once: the result of one normalization is its own normalization', () => {
    for (const raw of ['/API//auth/login/', '/api%2Fmessages', '/%61pi/x/../messages', '/api/files/a%20b']) {
      expect(normalizePath(normalizePath(raw))).toBe(normalizePath(raw));
    }
  });
});

describe('isUnder', () => {
  it('matches the prefix itself and paths under it, not paths that merely start with its letters', () => {
    expect([isUnder('/api', '/api'), isUnder('/api/feed', '/api'), isUnder('/apis', '/api')]).toEqual([true, true, false]);
  });
});
