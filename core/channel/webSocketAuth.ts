/**
 * A bearer token on a WebSocket from a web page. A browser's WebSocket cannot send an Authorization
 * header; what it can send is a list of subprotocols (Sec-WebSocket-Protocol). So the page offers two,
 * as Kubernetes' API server takes them: `helios.v1`, which the master picks and answers with, and
 * `base64url.bearer.helios.<the token, base64url>`, which it reads as the token and never answers
 * with. Other clients (the CLI, agents) send the header as for every other call.
 */

/** The subprotocol the master answers with when a client offers it. */
export const WEBSOCKET_PROTOCOL = 'helios.v1';

/** Prefix of the subprotocol that carries a bearer token. */
export const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.helios.';

/** The subprotocols a web page offers for `token` (just `helios.v1` without one). */
export function webSocketProtocols(token: string): string[] {
  if (token === '') return [WEBSOCKET_PROTOCOL];
  const bytes = new TextEncoder().encode(token);
  const base64 = btoa(String.fromCharCode(...bytes));
  return [WEBSOCKET_PROTOCOL, BEARER_PROTOCOL_PREFIX + base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')];
}

/** The token offered in a Sec-WebSocket-Protocol header, or undefined when none is. */
export function bearerFromProtocols(header: string | undefined): string | undefined {
  const offered = (header ?? '').split(',').map((p) => p.trim()).find((p) => p.startsWith(BEARER_PROTOCOL_PREFIX));
  if (offered === undefined) return undefined;
  const encoded = offered.slice(BEARER_PROTOCOL_PREFIX.length);
  // Not base64url: no token this master could know (an empty one reads as refused, not as none).
  if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1) return '';
  const bytes = Uint8Array.from(atob(encoded.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
