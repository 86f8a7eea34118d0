/** profiles/ holds byte-exact copies of NHS Digital's files: each matches the sha256 and upstream git blob in the manifest. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const profilesDir = new URL('../../profiles/', import.meta.url);

interface ManifestEntry {
  file: string;
  sha256: string;
  gitBlob: string;
  source: { repository: string; commit: string; path: string; blob: string };
}

const manifest: { files: ManifestEntry[] } = JSON.parse(readFileSync(new URL('manifest.json', profilesDir), 'utf8'));

function gitBlobId(data: Buffer): string {
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
}

describe('profiles/ manifest', () => {
  it('lists exactly the XML files present', () => {
    const present = ['StructureDefinitions', 'CodeSystems', 'ValueSets'].flatMap((d) =>
      readdirSync(new URL(`${d}/`, profilesDir)).map((f) => `${d}/${f}`),
    );
    expect(manifest.files.map((f) => f.file).sort()).toEqual(present.sort());
  });

  for (const entry of manifest.files) {
    it(`${entry.file} is byte-identical to ${entry.source.repository} blob ${entry.source.blob}`, () => {
      const data = readFileSync(new URL(entry.file, profilesDir));
      expect(createHash('sha256').update(data).digest('hex')).toBe(entry.sha256);
      const blob = gitBlobId(data);
      expect(blob).toBe(entry.gitBlob);
      expect(blob.startsWith(entry.source.blob)).toBe(true);
    });
  }

  it('PROVENANCE.md cites every file with its upstream blob', () => {
    const provenance = readFileSync(new URL('PROVENANCE.md', profilesDir), 'utf8');
    for (const entry of manifest.files) expect(provenance).toContain(`| \`${entry.file}\` | ${entry.source.repository} | \`${entry.source.commit}\` | \`${entry.source.path}\` | \`${entry.source.blob}\``);
  });
});
