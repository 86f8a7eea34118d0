/** GET [base]/Consent/{id}/_history/{vid}. */
import { ApiError } from '../outcome.js';
import { allowedParams } from '../params.js';
import { versionHeaders } from '../representation.js';
import type { Handler } from '../exchange.js';

export const vread: Handler = async (exchange, context) => {
  allowedParams(exchange.query, [], 'vread');
  const { id, vid } = exchange.pathParams as { id: string; vid: string };
  const version = await context.store.version(id, vid);
  if (!version) throw new ApiError('VERSION_NOT_FOUND', `There is no version "${vid.slice(0, 80)}" of Consent "${id.slice(0, 80)}".`);
  return { status: 200, resource: version.resource, headers: versionHeaders(version, exchange.baseUrl, false), interaction: 'vread' };
};
