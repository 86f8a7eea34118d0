/**
 * One validated set of run options from four layers: defaults < configuration file <
 * NDOP_* environment variables < command-line options. Every bad value is a SettingsError
 * that names where it came from.
 */
import { dirname } from 'node:path';
import { loadConfigFile, type ConfigFile } from './config-file.js';
import { checkSecurityFiles, securityFromFile } from './settings-security.js';
import { DEFAULT_SETTINGS, SettingsError, settingsFromEnv, type EngineSettings } from './settings.js';

export interface CommandLineOptions {
  target?: string;
  format?: string;
  config?: string;
  reportDir?: string;
  grep?: string;
  timeout?: string;
  allowWrites?: boolean;
  optIn?: string;
}

export interface RunOptions {
  settings: EngineSettings;
  reportDir: string;
  configFile?: string;
}

export const DEFAULT_REPORT_DIR = 'reports';

function fromFile(file: ConfigFile, base: EngineSettings, fileDir: string): EngineSettings {
  const s: EngineSettings = { ...base, ...securityFromFile(file, base, fileDir) };
  if (file.target) s.targetUrl = file.target.replace(/\/+$/, '');
  if (file.format) s.formats = file.format === 'both' ? ['xml', 'json'] : [file.format];
  if (file.timeout) s.connectTimeoutMs = s.bodyTimeoutMs = file.timeout;
  if (file.connectTimeout) s.connectTimeoutMs = file.connectTimeout;
  if (file.bodyTimeout) s.bodyTimeoutMs = file.bodyTimeout;
  if (file.evidenceBodyLimit) s.evidenceBodyLimit = file.evidenceBodyLimit;
  if (file.maxResponseBytes) s.maxResponseBytes = file.maxResponseBytes;
  if (file.fixedPatients) s.fixedPatients = [...file.fixedPatients];
  if (file.snomedSystem) s.snomedSystem = file.snomedSystem;
  if (file.maxConsentsPerPatient) s.maxConsentsPerPatient = file.maxConsentsPerPatient;
  if (file.secretHeaders) s.secretHeaders = [...file.secretHeaders];
  return s;
}

/** Command-line values reuse the environment parser; its messages are renamed to the option. */
const OPTION_FOR_VARIABLE: Record<string, string> = {
  NDOP_TARGET_URL: '--target',
  NDOP_FORMAT: '--format',
  NDOP_TIMEOUT: '--timeout',
};

function fromCommandLine(cli: CommandLineOptions, base: EngineSettings): EngineSettings {
  const env: NodeJS.ProcessEnv = {};
  if (cli.target !== undefined) env.NDOP_TARGET_URL = cli.target;
  if (cli.format !== undefined) env.NDOP_FORMAT = cli.format;
  if (cli.timeout !== undefined) env.NDOP_TIMEOUT = cli.timeout;
  if (cli.allowWrites) env.NDOP_ALLOW_WRITES = 'true';
  if (cli.optIn !== undefined) env.NDOP_OPT_IN = cli.optIn;
  try {
    return settingsFromEnv(env, base);
  } catch (e) {
    if (!(e instanceof SettingsError)) throw e;
    const message = Object.entries(OPTION_FOR_VARIABLE).reduce((m, [variable, option]) => m.replace(variable, option), e.message);
    throw new SettingsError(message);
  }
}

export function resolveRunOptions(cli: CommandLineOptions, env: NodeJS.ProcessEnv = process.env): RunOptions {
  const configFile = cli.config ?? env.NDOP_CONFIG;
  const file = configFile ? loadConfigFile(configFile) : {};
  const settings = fromCommandLine(cli, settingsFromEnv(env, fromFile(file, DEFAULT_SETTINGS, configFile ? dirname(configFile) : '.')));
  checkSecurityFiles(settings, (message) => new SettingsError(message), env);
  const grep = cli.grep ?? env.NDOP_GREP ?? file.grep;
  if (grep !== undefined) {
    try {
      new RegExp(grep);
    } catch (e) {
      throw new SettingsError(`--grep: "${grep}" is not a regular expression (${(e as Error).message})`);
    }
    settings.grep = grep;
  } else delete settings.grep;
  const options: RunOptions = { settings, reportDir: cli.reportDir ?? env.NDOP_REPORT_DIR ?? file.reportDir ?? DEFAULT_REPORT_DIR };
  if (configFile) options.configFile = configFile;
  return options;
}
