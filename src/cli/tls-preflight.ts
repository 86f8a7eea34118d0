/**
 * Before any scenario runs against an https target, one request (GET [base]/metadata) over the run's own
 * TLS settings: a server that refuses the client certificate, a certificate that does not chain to the
 * CA bundle or does not name the host is one clear message (exit 3), never a run full of errors or a hang.
 * Any HTTP answer, whatever its status, means the connection works.
 */
import type { EngineSettings } from '../config/settings.js';
import { connectionTls, explainTlsError, send } from '../transport/index.js';
import type { Reachability } from './preflight.js';

export async function checkHttpsTarget(settings: EngineSettings & { targetUrl: string }): Promise<Reachability> {
  const exchange = await send(
    { method: 'GET', url: `${settings.targetUrl}/metadata`, headers: { accept: 'application/fhir+json' } },
    {
      connectTimeoutMs: settings.connectTimeoutMs,
      bodyTimeoutMs: settings.bodyTimeoutMs,
      evidenceBodyLimit: 0,
      maxResponseBytes: settings.maxResponseBytes,
      secretHeaders: settings.secretHeaders,
      tls: connectionTls(settings.tls),
    },
  );
  const error = exchange.evidence.error;
  if (!error) return { ok: true };
  const url = new URL(settings.targetUrl);
  const tls = explainTlsError(error.code, error.message, true);
  const message = error.message.trim().split('\n')[0];
  return { ok: false, reason: tls ? `TLS with ${url.host} failed: ${tls} (${error.code}: ${message})` : `${error.code} connecting to ${url.host}: ${message}` };
}
