/**
 * Writes only where they are safe: scenarios that create or update Consents run against the embedded
 * server or a loopback target, or where writes are explicitly allowed (--allow-writes, NDOP_ALLOW_WRITES,
 * allowWrites). Otherwise the run stops before it sends anything, naming the switch.
 */
import type { EngineSettings } from '../config/settings.js';
import type { SelectedRun } from './selection.js';
import type { Scenario } from './types.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function writes(scenario: Scenario): boolean {
  return scenario.steps.some((step) => WRITE_METHODS.has(step.request.method));
}

/** localhost, *.localhost, 127.0.0.0/8 and ::1 (with or without IPv4 mapping). */
export function isLoopback(targetUrl: string): boolean {
  const host = new URL(targetUrl).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '::1' || /^::ffff:127(\.\d{1,3}){3}$/.test(host);
}

/** Why this run may not start, or undefined when its writes (if any) are allowed. */
export function writeRefusal(runs: readonly SelectedRun[], settings: EngineSettings): string | undefined {
  if (settings.allowWrites || !settings.targetUrl || isLoopback(settings.targetUrl)) return undefined;
  const writing = runs.filter((run) => writes(run.scenario));
  if (writing.length === 0) return undefined;
  const examples = [...new Set(writing.map((run) => run.scenario.id))].slice(0, 3).join(', ');
  return (
    `${writing.length} of the ${runs.length} selected scenario runs write to the target (${examples}${writing.length > 3 ? ', ...' : ''}), ` +
    `and ${new URL(settings.targetUrl).host} is not a loopback address. Writes there need --allow-writes ` +
    '(or NDOP_ALLOW_WRITES=true, or allowWrites: true in the configuration file). Nothing was sent.'
  );
}
