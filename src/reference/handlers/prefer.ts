import type { Exchange } from '../exchange.js';

/** Prefer: return=minimal asks for an empty body on create and update. */
export function wantsMinimal(exchange: Exchange): boolean {
  const prefer = exchange.req.headers.prefer;
  return typeof prefer === 'string' && /(^|[\s,;])return\s*=\s*"?minimal"?/i.test(prefer);
}
