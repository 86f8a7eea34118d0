import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigFileError, loadConfigFile } from '../../src/config/config-file.js';
import { resolveRunOptions } from '../../src/config/run-options.js';
import { SettingsError } from '../../src/config/settings.js';

const dir = mkdtempSync(join(tmpdir(), 'ndop-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('configuration file', () => {
  it('reads YAML and JSON alike', () => {
    expect(loadConfigFile(file('a.yaml', 'target: https://ndop.test/STU3\nformat: json\n'))).toEqual({ target: 'https://ndop.test/STU3', format: 'json' });
    expect(loadConfigFile(file('a.json', '{"timeout": 5000}'))).toEqual({ timeout: 5000 });
  });

  it('rejects an unknown key, naming the file, the key and the keys it knows', () => {
    const path = file('unknown.yaml', 'target: https://ndop.test\ntargte: x\n');
    expect(() => loadConfigFile(path)).toThrow(ConfigFileError);
    expect(() => loadConfigFile(path)).toThrow(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: /: unknown key "targte" \\(known keys: target, format`));
  });

  it('rejects a bad value, naming where it is', () => {
    expect(() => loadConfigFile(file('bad.yaml', 'format: yaml\n'))).toThrow(/bad\.yaml: \/format: must be equal to one of the allowed values \(xml, json, both\)/);
    expect(() => loadConfigFile(file('bad2.yaml', 'fixedPatients: ["123"]\n'))).toThrow(/\/fixedPatients\/0: must match pattern/);
    expect(() => loadConfigFile(file('bad3.yaml', 'target: ftp://x\n'))).toThrow(/\/target: must match pattern/);
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(() => loadConfigFile(file('syntax.yaml', 'target: [unclosed\n'))).toThrow(/syntax\.yaml: not valid YAML or JSON at line \d+, column \d+/);
  });

  it('says plainly when the file cannot be read', () => {
    expect(() => loadConfigFile(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: cannot be read \(ENOENT\)/);
  });
});

describe('run options precedence: command line > environment > file > defaults', () => {
  const config = file('layers.yaml', 'target: https://file.test\nformat: xml\ntimeout: 1111\nreportDir: from-file\n');

  it('takes defaults when nothing is given', () => {
    const o = resolveRunOptions({}, {});
    expect(o.settings.targetUrl).toBeUndefined();
    expect(o.settings.formats).toEqual(['xml', 'json']);
    expect(o.reportDir).toBe('reports');
  });

  it('lets the environment override the file, and the command line override both', () => {
    const fileOnly = resolveRunOptions({ config }, {});
    expect([fileOnly.settings.targetUrl, fileOnly.settings.formats, fileOnly.settings.connectTimeoutMs, fileOnly.reportDir]).toEqual(['https://file.test', ['xml'], 1111, 'from-file']);
    const env = { NDOP_TARGET_URL: 'https://env.test', NDOP_FORMAT: 'json', NDOP_REPORT_DIR: 'from-env' };
    const withEnv = resolveRunOptions({ config }, env);
    expect([withEnv.settings.targetUrl, withEnv.settings.formats, withEnv.reportDir]).toEqual(['https://env.test', ['json'], 'from-env']);
    const withCli = resolveRunOptions({ config, target: 'https://cli.test/', format: 'both', reportDir: 'from-cli' }, env);
    expect([withCli.settings.targetUrl, withCli.settings.formats, withCli.reportDir]).toEqual(['https://cli.test', ['xml', 'json'], 'from-cli']);
  });

  it('finds the config file through NDOP_CONFIG', () => {
    expect(resolveRunOptions({}, { NDOP_CONFIG: config }).settings.targetUrl).toBe('https://file.test');
  });

  it('names the option that holds a bad value', () => {
    expect(() => resolveRunOptions({ target: 'not a url' }, {})).toThrow(SettingsError);
    expect(() => resolveRunOptions({ target: 'not a url' }, {})).toThrow(/^--target: "not a url" is not an http\(s\) URL/);
    expect(() => resolveRunOptions({ timeout: '-5' }, {})).toThrow(/^--timeout:/);
    expect(() => resolveRunOptions({}, { NDOP_TIMEOUT: 'soon' })).toThrow(/^NDOP_TIMEOUT:/);
    expect(() => resolveRunOptions({ grep: '(' }, {})).toThrow(/^--grep: "\(" is not a regular expression/);
  });
});

describe('settings handed to the vitest workers', () => {
  it('survive the trip through NDOP_* variables unchanged', async () => {
    const { settingsToEnv } = await import('../../src/config/settings-env.js');
    const { settingsFromEnv, DEFAULT_SETTINGS } = await import('../../src/config/settings.js');
    const settings = {
      ...DEFAULT_SETTINGS,
      targetUrl: 'https://ndop.test/STU3',
      formats: ['json' as const],
      connectTimeoutMs: 1234,
      bodyTimeoutMs: 5678,
      evidenceBodyLimit: 999,
      fixedPatients: ['9990000018', '9990000026'],
      snomedSystem: 'https://snomed.info/sct',
      maxConsentsPerPatient: 2,
      secretHeaders: ['X-Api-Key'],
    };
    expect(settingsFromEnv(settingsToEnv(settings), DEFAULT_SETTINGS)).toEqual(settings);
  });
});

describe('an empty target is an error, never the embedded server', () => {
  it('rejects NDOP_TARGET_URL set to nothing and --target ""', () => {
    expect(() => resolveRunOptions({}, { NDOP_TARGET_URL: '' })).toThrow(/^NDOP_TARGET_URL: "" is not an http\(s\) URL/);
    expect(() => resolveRunOptions({ target: '' }, {})).toThrow(/^--target: "" is not an http\(s\) URL/);
  });
});
