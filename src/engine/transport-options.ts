/** The transport limits and TLS of a run, as every request the engine sends uses them. */
import type { EngineSettings } from '../config/settings.js';
import { connectionTls, type TransportOptions } from '../transport/index.js';

/** Throws a TlsConfigError when the TLS files cannot be read. */
export function transportOptions(settings: EngineSettings): TransportOptions {
  return {
    connectTimeoutMs: settings.connectTimeoutMs,
    bodyTimeoutMs: settings.bodyTimeoutMs,
    evidenceBodyLimit: settings.evidenceBodyLimit,
    maxResponseBytes: settings.maxResponseBytes,
    secretHeaders: settings.secretHeaders,
    tls: connectionTls(settings.tls),
  };
}
