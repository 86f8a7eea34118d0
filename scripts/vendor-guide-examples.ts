/**
 * Copies the NDOP guide's examples (../shared/ndop-guide/examples, beside the repository) into
 * fixtures/guide-examples/ byte for byte, and writes fixtures/guide-examples/MANIFEST.json: for each
 * file its sha256, its git blob id, and the upstream blob the guide's PROVENANCE.md records for it.
 * Run again only when the guide's examples change: npx tsx scripts/vendor-guide-examples.ts
 */
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../', import.meta.url));
const guide = join(repo, '..', 'shared', 'ndop-guide');
const target = join(repo, 'fixtures', 'guide-examples');

export function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  cpSync(join(guide, 'examples'), target, { recursive: true });
  // The guide's PROVENANCE.md table rows: | `examples/X` | repo | ref | commit | path | `blob` | ...
  const provenance = readFileSync(join(guide, 'PROVENANCE.md'), 'utf8');
  const upstream = new Map([...provenance.matchAll(/^\| `examples\/([^`]+)` \|(?:[^|]*\|){4} `([0-9a-f]+)` \|/gm)].map((m) => [m[1]!, m[2]!]));
  const manifest = Object.fromEntries(
    files(target)
      .filter((f) => !f.endsWith('MANIFEST.json'))
      .map((f) => relative(target, f))
      .sort()
      .map((name) => {
        const bytes = readFileSync(join(target, name));
        return [name, { sha256: sha256(bytes), gitBlob: gitBlobId(bytes), upstreamBlob: upstream.get(name) ?? null }];
      }),
  );
  writeFileSync(join(target, 'MANIFEST.json'), `${JSON.stringify({ source: '../shared/ndop-guide/examples (see its PROVENANCE.md)', files: manifest }, null, 2)}\n`);
  console.log(`copied ${Object.keys(manifest).length} examples into ${relative(repo, target)}`);
}
