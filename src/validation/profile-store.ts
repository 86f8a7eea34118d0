/**
 * Reads the conformance resources of a profile folder (StructureDefinitions, CodeSystems,
 * ValueSets written as FHIR XML) through the project's codec.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseXml } from '../fhir/index.js';
import type { Resource } from '../fhir/index.js';

export interface ProfileStore {
  structureDefinitions: { file: string; resource: Resource }[];
  codeSystems: { file: string; resource: Resource }[];
  valueSets: { file: string; resource: Resource }[];
}

function xmlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...xmlFiles(path));
    else if (name.endsWith('.xml')) out.push(path);
  }
  return out;
}

/**
 * The resource with every string copied flat. The XML parser's strings are substrings of the whole
 * document, which V8 keeps as slices of it: comparing them with validated data (slice urls, code
 * systems, displays) costs about twice as much, and each slice keeps its document alive.
 */
function ownStrings(resource: Resource): Resource {
  return JSON.parse(JSON.stringify(resource)) as Resource;
}

export function loadProfileStore(dir: string): ProfileStore {
  let files: string[];
  try {
    files = xmlFiles(dir);
  } catch (e) {
    throw new Error(`Cannot read the profile folder ${dir}: ${(e as Error).message}`);
  }
  const store: ProfileStore = { structureDefinitions: [], codeSystems: [], valueSets: [] };
  for (const path of files) {
    const file = relative(dir, path);
    let resource: Resource;
    try {
      resource = ownStrings(parseXml(readFileSync(path, 'utf8')));
    } catch (e) {
      throw new Error(`${file}: not a readable FHIR XML resource: ${(e as Error).message}`);
    }
    if (resource.resourceType === 'StructureDefinition') store.structureDefinitions.push({ file, resource });
    else if (resource.resourceType === 'CodeSystem') store.codeSystems.push({ file, resource });
    else if (resource.resourceType === 'ValueSet') store.valueSets.push({ file, resource });
    else throw new Error(`${file}: expected a StructureDefinition, CodeSystem or ValueSet, found ${resource.resourceType}`);
  }
  return store;
}
