/** `npm run reference -- --list-faults`: one line per fault, with the requirement it breaks and where it shows. */
import { faultCatalogue } from './index.js';

export function faultListing(): string {
  const faults = faultCatalogue();
  const width = Math.max(...faults.map((f) => f.name.length));
  const lines = faults.map((f) => `${f.name.padEnd(width)}  ${f.requirement.padEnd(13)}  ${f.breaks}${f.formats.length === 1 ? ` (${f.formats[0]} only)` : ''}`);
  return `${faults.length} faults (npm run reference -- --fault NAME; requirements in docs/requirements.md):\n${lines.join('\n')}\n`;
}
