/** Request bodies built from fixture files (JSON or XML FHIR) plus patches, rendered in the wanted format. */
import { readFileSync } from 'node:fs';
import { parseResource, serializeResource, type Format, type Resource } from '../fhir/index.js';
import { fixturePath } from './paths.js';

export { fixtureExists, fixturePath } from './paths.js';

export class FixtureError extends Error {}

const cache = new Map<string, Resource>();

/** The fixture as a FHIR JSON object (a fresh copy each call). */
export function loadFixture(name: string): Resource {
  let resource = cache.get(name);
  if (!resource) {
    const file = fixturePath(name);
    const format: Format = name.endsWith('.xml') ? 'xml' : 'json';
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new FixtureError(`fixtures/${name}: fixture file not found`);
    }
    try {
      resource = parseResource(text, format);
    } catch (err) {
      throw new FixtureError(`fixtures/${name}: ${(err as Error).message}`);
    }
    cache.set(name, resource);
  }
  return structuredClone(resource);
}

export function renderBody(resource: Resource, format: Format): string {
  return serializeResource(resource, format, { pretty: true });
}
