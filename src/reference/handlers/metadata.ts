/** GET [base]/metadata: the CapabilityStatement in capability-statement.json, with this server's address. */
import { readFileSync } from 'node:fs';
import { allowedParams } from '../params.js';
import type { Handler } from '../exchange.js';
import type { ResourceData } from '../store.js';

const statement = JSON.parse(readFileSync(new URL('../capability-statement.json', import.meta.url), 'utf8')) as ResourceData;

/** The served statement: the data file with implementation.url set to the base URL the client used. */
export function capabilityStatement(baseUrl: string): ResourceData {
  const implementation = { ...(statement.implementation as Record<string, unknown>), url: baseUrl };
  return { ...statement, implementation };
}

export const metadata: Handler = async (exchange) => {
  allowedParams(exchange.query, [], 'metadata');
  return { status: 200, resource: capabilityStatement(exchange.baseUrl), headers: {}, interaction: 'metadata' };
};
