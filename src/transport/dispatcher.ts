/**
 * The connection pools requests go through: one per connect timeout, TLS configuration and proxy
 * environment. HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured (undici's EnvHttpProxyAgent); through a
 * proxy the client certificate and CA still apply to the target, inside the tunnel.
 */
import { EnvHttpProxyAgent } from 'undici';
import { MIN_TLS_VERSION, type ConnectionTls } from './tls.js';

const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'];
const pools = new Map<string, EnvHttpProxyAgent>();
const tlsIds = new WeakMap<ConnectionTls, number>();
let lastTlsId = 0;

function tlsId(tls: ConnectionTls | undefined): number {
  if (!tls) return 0;
  let id = tlsIds.get(tls);
  if (id === undefined) {
    id = ++lastTlsId;
    tlsIds.set(tls, id);
  }
  return id;
}

export function dispatcherFor(connectTimeoutMs: number, tls: ConnectionTls | undefined): EnvHttpProxyAgent {
  const proxyEnv = PROXY_VARIABLES.map((name) => process.env[name] ?? '').join('|');
  const key = `${connectTimeoutMs}|${tlsId(tls)}|${proxyEnv}`;
  let pool = pools.get(key);
  if (!pool) {
    const connect = { timeout: connectTimeoutMs, minVersion: MIN_TLS_VERSION, ...tls };
    // `connect` serves direct connections; `requestTls` the TLS to the target inside a proxy tunnel.
    pool = new EnvHttpProxyAgent({ connect, requestTls: connect, proxyTls: { timeout: connectTimeoutMs } });
    pools.set(key, pool);
  }
  return pool;
}
