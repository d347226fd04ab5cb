/** Input checks and error responses: bad input gets a clear 4xx with a JSON body, never a 500. */
import { HEADER } from './contract';

/** A response the Worker decided on before reaching an origin. */
export class EdgeRejection extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** `{ error, message, requestId }` with the status and any extra headers. */
export function errorResponse(status: number, code: string, message: string, requestId: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: code, message, requestId }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', [HEADER.requestId]: requestId, ...headers },
  });
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

/** The client's request id when it is well-formed, a new one when there is none; throws 400 when malformed. */
export function requestIdOf(request: Request): string {
  const given = request.headers.get(HEADER.requestId);
  if (given === null) return crypto.randomUUID();
  if (!REQUEST_ID_PATTERN.test(given)) {
    throw new EdgeRejection(
      400,
      'invalid_request_id',
      `${HEADER.requestId} must be 8-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit`,
    );
  }
  return given;
}

const BEARER_PATTERN = /^Bearer ([A-Za-z0-9._~+/-]{16,4096}=*)$/;

/** The bearer token, undefined without an Authorization header; throws 400 when the header is malformed. */
export function bearerTokenOf(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  if (header === null) return undefined;
  const match = BEARER_PATTERN.exec(header);
  if (!match) throw new EdgeRejection(400, 'invalid_authorization', 'Authorization must be "Bearer <token>" with a token of 16-4096 base64url characters');
  return match[1];
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export function checkMethod(request: Request): void {
  if (!METHODS.has(request.method)) {
    throw new EdgeRejection(405, 'method_not_allowed', `method ${request.method} is not allowed`, { allow: [...METHODS].join(', ') });
  }
}

/** True when the request may be sent to a second region: idempotent methods, or an Idempotency-Key. */
export function isReplayable(request: Request): boolean {
  return IDEMPOTENT.has(request.method) || request.headers.has(HEADER.idempotencyKey);
}

/**
 * Reads the body into memory, refusing more than `maxBytes` with 413: from Content-Length
 * before reading anything, and while reading when the length is not declared. Buffering lets
 * the Worker replay the request on another region.
 */
export async function readBody(request: Request, maxBytes: number): Promise<ArrayBuffer | undefined> {
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    if (!/^\d{1,15}$/.test(declared)) throw new EdgeRejection(400, 'invalid_content_length', 'Content-Length must be a whole number of bytes');
    if (Number(declared) > maxBytes) throw tooLarge(maxBytes);
  }
  if (request.body === null || request.method === 'GET' || request.method === 'HEAD') return undefined;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body.buffer;
}

function tooLarge(maxBytes: number): EdgeRejection {
  return new EdgeRejection(413, 'body_too_large', `request bodies are limited to ${maxBytes} bytes; upload larger files to storage directly`);
}

/** Hex SHA-256, so tokens never appear in KV keys or logs. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
