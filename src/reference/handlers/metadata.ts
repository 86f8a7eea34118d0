/** GET [base]/metadata: the CapabilityStatement in capability-statement.json, with this server's address. */
import { readFileSync } from 'node:fs';
import { allowedParams } from '../params.js';
import type { Handler } from '../exchange.js';
import { deepFreeze } from '../deep-freeze.js';
import type { ResourceData } from '../store.js';

const statement = JSON.parse(readFileSync(new URL('../capability-statement.json', import.meta.url), 'utf8')) as ResourceData;

const byBaseUrl = new Map<string, ResourceData>();

/**
 * The served statement: the data file with implementation.url set to the base URL the client used.
 * Frozen and kept per base URL (there are only a few), so its wire text is cached like a stored version's.
 */
export function capabilityStatement(baseUrl: string): ResourceData {
  let served = byBaseUrl.get(baseUrl);
  if (!served) {
    const implementation = { ...(statement.implementation as Record<string, unknown>), url: baseUrl };
    served = deepFreeze(structuredClone({ ...statement, implementation }));
    if (byBaseUrl.size < 64) byBaseUrl.set(baseUrl, served);
  }
  return served;
}

export const metadata: Handler = async (exchange) => {
  allowedParams(exchange.query, [], 'metadata');
  return { status: 200, resource: capabilityStatement(exchange.baseUrl), headers: {}, interaction: 'metadata' };
};
