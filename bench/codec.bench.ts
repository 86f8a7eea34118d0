/**
 * Codec throughput against fast-xml-parser's bare parse and build of the same documents, measured
 * in the same run. XML→JSON is parseXml (XML text → FHIR JSON resource); its baseline is
 * XMLParser.parse with attributes on (FHIR keeps its values in attributes). JSON→XML is toXml
 * (resource → XML text); its baseline is XMLBuilder.build of the tree XMLParser gave. Target: the
 * codec takes at most 2× the baseline's time, i.e. ratio (codec docs/s ÷ baseline docs/s) ≥ 0.5.
 * Baseline and codec are measured in alternating slices so that load from other processes on a
 * shared machine falls on both alike.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { parseJson, parseXml, toJson, toXml, type Resource } from '../src/fhir/index.js';

const examples = new URL('../fixtures/guide-examples/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, examples), 'utf8');

interface Doc {
  name: string;
  xml: string;
  json: string;
}

// The guide's Bundle-2 XML is defective (a stray "**"), so its XML is written from the JSON twin.
const docs: Doc[] = [
  { name: 'Consent-Example-1', xml: read('Consent-Example-1.xml'), json: read('Consent-Example-1.json') },
  { name: 'Consent-Example-2', xml: read('Consent-Example-2.xml'), json: read('Consent-Example-2.json') },
  { name: 'Bundle-Searchset-1', xml: read('NDOP-Bundle-Searchset-Example-1.xml'), json: read('NDOP-Bundle-Searchset-Example-1.json') },
  { name: 'Bundle-Searchset-2', xml: toXml(parseJson(read('NDOP-Bundle-Searchset-Example-2.json')), { pretty: true }), json: read('NDOP-Bundle-Searchset-Example-2.json') },
];

const bareParser = new XMLParser({ ignoreAttributes: false });
const bareBuilder = new XMLBuilder({ ignoreAttributes: false });

const WARM_UP_MS = 300;
const SLICES = 7;
const SLICE_MS = 200; // 7 × 200 ms = 1.4 s measured per operation

let sink: unknown;

/** Operations per second of `run`, over `ms` milliseconds. */
function slice(run: () => unknown, ms: number): { ops: number; ms: number } {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 50; i++) sink = run();
    ops += 50;
    now = performance.now();
  }
  return { ops, ms: now - start };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Baseline and codec in alternating slices: docs/s of each over all slices, and the median of the
 * per-pair ratios (a burst of load from another process then spoils one pair, not the result).
 */
function compare(baseline: () => unknown, codec: () => unknown): { baseline: number; codec: number; ratio: number } {
  slice(baseline, WARM_UP_MS);
  slice(codec, WARM_UP_MS);
  const totals = { baseline: { ops: 0, ms: 0 }, codec: { ops: 0, ms: 0 } };
  const ratios: number[] = [];
  for (let i = 0; i < SLICES; i++) {
    const b = slice(baseline, SLICE_MS);
    const c = slice(codec, SLICE_MS);
    ratios.push(c.ops / c.ms / (b.ops / b.ms));
    for (const [key, r] of [['baseline', b], ['codec', c]] as const) {
      totals[key].ops += r.ops;
      totals[key].ms += r.ms;
    }
  }
  return {
    baseline: (totals.baseline.ops / totals.baseline.ms) * 1000,
    codec: (totals.codec.ops / totals.codec.ms) * 1000,
    ratio: median(ratios),
  };
}

const rows: string[][] = [];
let worst = Infinity;
for (const doc of docs) {
  const resource: Resource = parseXml(doc.xml);
  const tree: unknown = bareParser.parse(doc.xml);
  const cases: [string, () => unknown, () => unknown, boolean][] = [
    ['XML→JSON', () => bareParser.parse(doc.xml), () => parseXml(doc.xml), true],
    ['JSON→XML', () => bareBuilder.build(tree), () => toXml(resource), true],
    // Text to text, for information: the codec also checks and orders the JSON it writes or reads.
    ['XML text→JSON text', () => bareParser.parse(doc.xml), () => toJson(parseXml(doc.xml)), false],
    ['JSON text→XML text', () => bareBuilder.build(tree), () => toXml(parseJson(doc.json)), false],
  ];
  for (const [operation, baseline, codec, targeted] of cases) {
    const r = compare(baseline, codec);
    const ratio = r.ratio;
    if (targeted) worst = Math.min(worst, ratio);
    rows.push([doc.name, operation, r.baseline.toFixed(0), r.codec.toFixed(0), ratio.toFixed(2), targeted ? (ratio >= 0.5 ? 'ok' : 'SLOWER THAN 2×') : 'info']);
  }
}

const header = ['document', 'operation', 'fast-xml-parser docs/s', 'codec docs/s', 'ratio (median)', 'target ≥ 0.50'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), node ${process.version}`);
console.log(line(header));
for (const row of rows) console.log(line(row));
console.log(`worst targeted ratio ${worst.toFixed(2)} (codec time ≤ 2× fast-xml-parser's means ratio ≥ 0.50): ${worst >= 0.5 ? 'met' : 'NOT met'}`);
if (sink === undefined) console.log('');
