/**
 * cdktf records the full call stack (Error.stackTraceLimit = MAX_SAFE_INTEGER) of every token it
 * creates, several per resource, only to quote it if that token later fails to resolve. Reading
 * `.stack` formats every frame; at synthesis that is a fifth of the CPU time, and more in deep
 * stacks (256 Aurora shards). The CLI formats traces for Error objects as V8 does and leaves
 * them empty for the plain objects cdktf captures into: a failing token then reports no
 * creation stack, and every other error keeps its trace.
 */
type PrepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => unknown;

/** V8's format: the error's first line, then `    at <frame>` per frame. */
function formatLikeV8(error: Error, frames: NodeJS.CallSite[]): string {
  let head: string;
  try {
    head = String(error);
  } catch {
    head = '<error>';
  }
  return [head, ...frames.map((frame) => `    at ${String(frame)}`)].join('\n');
}

/** Installs the formatter for the rest of the process; used by the CLI entry point only, never by library code. */
export function skipTokenCreationStacks(): void {
  const previous = Error.prepareStackTrace as PrepareStackTrace | undefined;
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    if (!(error instanceof Error)) return '';
    return previous ? previous(error, frames) : formatLikeV8(error, frames);
  };
}
