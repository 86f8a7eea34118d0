/**
 * Turns an exchange into a response the expectations can check, or into the reason it cannot be checked:
 * the transport did not complete it, or the response is not the API answering (nonApiResponse).
 */
import type { Exchange } from '../transport/index.js';
import { checkParallel } from './assertions.js';
import { nonApiResponse } from './non-api-response.js';
import { parseResponse, type ParsedResponse } from './response.js';
import { worst, type AssertionResult } from './results.js';
import type { Expectations } from './types.js';

export type ReadExchange = { res: ParsedResponse; problem?: undefined } | { problem: AssertionResult };

export function readExchange(x: Exchange, expect: Expectations): ReadExchange {
  const e = x.evidence.error;
  if (e) {
    const { method, url } = x.evidence.request;
    return { problem: { name: 'request', level: 'MUST', status: 'error', message: `Request could not be completed: ${method} ${url} gave ${e.code} (${e.message})` } };
  }
  const res = parseResponse(x.status!, x.headers, x.body);
  const problem = nonApiResponse(expect, res, x.evidence.request.url);
  return problem ? { problem } : { res };
}

/**
 * A parallel step: the exchanges that could not be checked are reported, and the status rules are still
 * checked on those that completed wherever that alone proves a failure (two 201s where one is allowed).
 */
export function checkParallelExchanges(expect: Expectations, exchanges: readonly Exchange[]): AssertionResult[] {
  const read = exchanges.map((x) => readExchange(x, expect));
  const problems = read.flatMap((r) => (r.problem ? [r.problem] : []));
  const statuses = read.flatMap((r) => (r.problem ? [] : [r.res.status]));
  const out: AssertionResult[] = [];
  if (problems.length > 0) {
    const status = worst(problems.map((p) => p.status));
    const first = problems.find((p) => p.status === status)!;
    out.push({ ...first, name: 'parallel requests', status, message: `${problems.length} of ${exchanges.length} parallel requests could not be checked; the first: ${first.message}` });
  }
  out.push(...checkParallel(expect, statuses, problems.length));
  return out;
}
