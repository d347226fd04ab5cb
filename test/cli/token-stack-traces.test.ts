/** The CLI's stack-trace formatter: errors keep their trace, cdktf's token captures get none. */
import { skipTokenCreationStacks } from '../../cli/token-stack-traces';

describe('skipTokenCreationStacks', () => {
  const original = Error.prepareStackTrace;
  const withoutFormatter = () => ((Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined);
  afterEach(() => {
    Error.prepareStackTrace = original;
  });

  it('leaves the stack of a plain object (how cdktf records where a token was made) empty', () => {
    withoutFormatter();
    skipTokenCreationStacks();
    const captured = { stack: '' };
    Error.captureStackTrace(captured);
    expect(captured.stack).toBe('');
  });

  it('formats an Error as V8 does: its message, then one "at" line per frame', () => {
    withoutFormatter();
    skipTokenCreationStacks();
    const lines = String(new Error('boom').stack).split('\n');
    expect(lines[0]).toBe('Error: boom');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[1]).toMatch(/^ {4}at .*token-stack-traces\.test\.ts:\d+:\d+/);
  });

  it("hands errors to a formatter installed before it (jest's source maps)", () => {
    Error.prepareStackTrace = (error) => `formatted ${(error as Error).message}`;
    skipTokenCreationStacks();
    expect(new Error('kept').stack).toBe('formatted kept');
  });
});
