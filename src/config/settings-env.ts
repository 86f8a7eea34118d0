/**
 * The inverse of settingsFromEnv: writes settings as NDOP_* variables, so that vitest workers
 * started by the command see exactly the options the command resolved.
 */
import type { EngineSettings } from './settings.js';
import { securityToEnv } from './settings-security.js';

export function settingsToEnv(settings: EngineSettings): Record<string, string> {
  const env: Record<string, string> = {
    NDOP_FORMAT: settings.formats.join(','),
    NDOP_CONNECT_TIMEOUT: String(settings.connectTimeoutMs),
    NDOP_BODY_TIMEOUT: String(settings.bodyTimeoutMs),
    NDOP_EVIDENCE_BODY_LIMIT: String(settings.evidenceBodyLimit),
    NDOP_MAX_RESPONSE_BYTES: String(settings.maxResponseBytes),
    NDOP_SNOMED_SYSTEM: settings.snomedSystem,
    NDOP_MAX_CONSENTS_PER_PATIENT: String(settings.maxConsentsPerPatient),
    ...securityToEnv(settings),
  };
  if (settings.targetUrl) env.NDOP_TARGET_URL = settings.targetUrl;
  if (settings.fixedPatients.length > 0) env.NDOP_FIXED_PATIENTS = settings.fixedPatients.join(',');
  if (settings.grep !== undefined) env.NDOP_GREP = settings.grep;
  if (settings.secretHeaders.length > 0) env.NDOP_SECRET_HEADERS = settings.secretHeaders.join(',');
  return env;
}
