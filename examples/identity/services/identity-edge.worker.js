/* global Response, crypto, TextEncoder, URL */
// The identity-edge Worker (services/identity-edge.yaml): OpenID discovery, the signing keys
// (KeyManager Durable Object), client lookups (CLIENTS KV) and token revocation
// (TokenRevocationStore Durable Object). A bundled ES module, as `wrangler deploy --dry-run
// --outdir` writes it; the edge Worker calls it through a service binding with the request id
// and the validated user (x-stagecraft-user) already set.
const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });

export class KeyManager {
  constructor(state) {
    this.state = state;
  }
  async fetch() {
    let keys = await this.state.storage.get('keys');
    if (!keys) {
      keys = [{ kid: crypto.randomUUID(), kty: 'OKP', crv: 'Ed25519', use: 'sig' }];
      await this.state.storage.put('keys', keys);
    }
    return json(200, { keys });
  }
}

export class TokenRevocationStore {
  constructor(state) {
    this.state = state;
  }
  async fetch(request) {
    const { token } = await request.json();
    if (typeof token !== 'string' || token.length < 16) return json(400, { error: 'invalid_request' });
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
    const key = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    await this.state.storage.put(`revoked:${key}`, Date.now());
    return json(200, { revoked: true });
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const issuer = `https://${url.host}`;
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        jwks_uri: `${issuer}/oauth/jwks`,
        revocation_endpoint: `${issuer}/oauth/revoke`,
        served_by: env.ENVIRONMENT,
      });
    }
    if (url.pathname === '/oauth/jwks') {
      return env.KeyManager.get(env.KeyManager.idFromName('signing')).fetch('https://key-manager/keys');
    }
    if (url.pathname === '/oauth/revoke' && request.method === 'POST') {
      const store = env.TokenRevocationStore.get(env.TokenRevocationStore.idFromName('global'));
      return store.fetch('https://revocation/revoke', { method: 'POST', body: await request.text() });
    }
    const client = /^\/oauth\/clients\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname);
    if (client) {
      const found = await env.CLIENTS.get(`client:${client[1]}`);
      return found === null ? json(404, { error: 'unknown_client' }) : json(200, JSON.parse(found));
    }
    return json(404, { error: 'not_found', path: url.pathname, user: request.headers.get('x-stagecraft-user') });
  },
};
