/**
 * What a message shows of a value that may be a secret: a pager integration URL carries its
 * routing key in the path (and a badly written one a password or an API key), a field meant for a
 * Cloudflare certificate id may receive the certificate's private key or an API key pasted in the
 * wrong place. Messages go to terminals and CI logs, so such a value is never echoed: a URL shows
 * its scheme and host, anything else only its length.
 */

/** `https://events.pagerduty.com/… (82 characters)`, `https://…@pager.example.com/… (40 characters)`, or `a value of 36 characters`. */
export function redactedValue(value: string): string {
  const length = `${value.length} character${value.length === 1 ? '' : 's'}`;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || url.host === '') return `a value of ${length}`;
  const credentials = url.username !== '' || url.password !== '' ? '…@' : '';
  const rest = url.pathname !== '/' || url.search !== '' || url.hash !== '' ? '/…' : '';
  return `${url.protocol}//${credentials}${url.host}${rest} (${length})`;
}
