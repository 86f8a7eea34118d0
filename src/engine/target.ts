/** The target under test: the configured URL, or the embedded reference server on an ephemeral port. */
import { createPublicKey } from 'node:crypto';
import type { EngineSettings } from '../config/settings.js';
import type { JwtRequirement } from '../reference/jwt-guard.js';
import { loadSigningKey } from '../spine/jwt-settings.js';

export interface Target {
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * The embedded server checks the audit JWT whenever the run sends one, for the audience the run's
 * tokens name and, for signed tokens, with the run's own key: so the security suite means something
 * against it, and a client-side JWT mistake shows up without a real environment.
 */
function embeddedJwtRequirement(settings: EngineSettings | undefined): JwtRequirement | undefined {
  if (!settings || settings.jwt.mode === 'off') return undefined;
  const aud = settings.jwt.claims.aud;
  return {
    ...(typeof aud === 'string' ? { audience: aud } : {}),
    ...(settings.jwt.mode === 'signed' && settings.jwt.keyFile ? { verifyKey: createPublicKey(loadSigningKey(settings.jwt.keyFile, settings.jwt.algorithm)) } : {}),
  };
}

/**
 * The target at `targetUrl`, else the embedded reference server on an ephemeral port (its modules are loaded only
 * then: a run against a real target never needs them).
 */
export async function openTarget(targetUrl: string | undefined, settings?: EngineSettings): Promise<Target> {
  if (targetUrl) return { url: targetUrl.replace(/\/+$/, ''), embedded: false, close: async () => {} };
  const { startReferenceServer } = await import('../reference/index.js');
  const requireJwt = embeddedJwtRequirement(settings);
  const server = await startReferenceServer({ port: 0, ...(requireJwt ? { requireJwt } : {}) });
  return { url: server.url, embedded: true, close: () => server.close() };
}
