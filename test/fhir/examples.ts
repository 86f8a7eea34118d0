/** The guide's example files, as vendored byte for byte in fixtures/guide-examples (see its MANIFEST.json). */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const examplesDir = new URL('../../fixtures/guide-examples/', import.meta.url);

export interface ExampleFile {
  /** Path relative to the examples folder, e.g. variants/Consent-Example-2.FHIR-NOO-API-2018-01-16.xml. */
  name: string;
  format: 'xml' | 'json';
  text: string;
}

function walk(dir: URL, prefix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

export function exampleFiles(): ExampleFile[] {
  return walk(examplesDir, '')
    .filter((name) => (name.endsWith('.xml') || name.endsWith('.json')) && name !== 'MANIFEST.json')
    .sort()
    .map((name) => ({
      name,
      format: name.endsWith('.xml') ? ('xml' as const) : ('json' as const),
      text: readFileSync(fileURLToPath(new URL(name, examplesDir)), 'utf8'),
    }));
}
