/**
 * Renders the assurance report as one self-contained HTML file: inline CSS and a few lines of
 * script, no network. Failures come first and open; everything else is one click away.
 */
import { readFileSync } from 'node:fs';
import { curlCommand, type prettyBody, prettyBodyOnce } from './evidence-format.js';
import { partialRunNote } from './partial-run.js';
import type {
  AssuranceReport,
  ReportAssertion,
  ReportRequirement,
  ReportScenario,
  ReportStep,
  ScenarioStatus,
} from './report-types.js';

const STYLE = readFileSync(new URL('./html/report.css', import.meta.url), 'utf8');
const SCRIPT = readFileSync(new URL('./html/report.js', import.meta.url), 'utf8');

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Order in which scenarios and steps are shown: what needs attention first. */
const ATTENTION: Record<string, number> = { failed: 0, errored: 1, warning: 2, passed: 3, skipped: 4 };
const byAttention = <T extends { status?: string }>(a: T, b: T) =>
  (ATTENTION[a.status ?? 'passed'] ?? 9) - (ATTENTION[b.status ?? 'passed'] ?? 9);

function badge(status: string): string {
  return `<span class="badge ${escapeHtml(status)}">${escapeHtml(status)}</span>`;
}

function anchor(scenario: Pick<ReportScenario, 'id' | 'format'>): string {
  return `s-${scenario.id}-${scenario.format}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function verdictText(report: AssuranceReport): string {
  switch (report.verdict) {
    case 'conformant':
      return 'Conformant';
    case 'non-conformant':
      return 'Not conformant';
    default:
      return 'Could not be tested';
  }
}

function renderBanner(report: AssuranceReport): string {
  const s = report.summary;
  const partial = partialRunNote(report);
  return `<header class="banner ${report.verdict}" role="status">
  <div class="verdict" data-testid="verdict">${verdictText(report)}</div>
  <div class="counts">${s.total} ${report.mode === 'client' ? 'client rules' : 'scenario runs'} · ${s.passed} passed · ${s.failed} failed · ${s.errored} errored · ${s.skipped} skipped · ${s.warnings} warnings</div>
${partial ? `  <div class="partial" data-testid="partial-run">${escapeHtml(partial[0]!.toUpperCase() + partial.slice(1))}: the verdict covers only these runs</div>\n` : ''}</header>`;
}

function renderMeta(report: AssuranceReport): string {
  const client = report.mode === 'client';
  const rows: Array<[string, string]> = [
    client ? ['Assured', report.target.url] : ['Target', `${report.target.url}${report.target.embedded ? ' (embedded reference server)' : ''}`],
    ['Tool', `${report.tool.name} ${report.tool.version}`],
    ['Started', report.startedAt],
    ['Duration', formatDuration(report.durationMs ?? Date.parse(report.finishedAt) - Date.parse(report.startedAt))],
    ...(client ? [] : ([['Formats', (report.formats ?? []).join(', ') || '—']] as Array<[string, string]>)),
  ];
  const cells = rows.map(([k, v]) => `<tr><th>${k}</th><td>${escapeHtml(v)}</td></tr>`);
  // Runs use a fresh patient per scenario: the lists are long, so they fold away.
  const data = report.testData;
  if (data?.patients?.length || data?.createdIds?.length) {
    const list = (label: string, items: string[] = []) =>
      items.length ? `<details class="data"><summary>${items.length} ${label}</summary><p>${escapeHtml(items.join(', '))}</p></details>` : '';
    cells.push(`<tr><th>Test data</th><td>${list('test patients', data.patients)}${list('Consents created on the target', data.createdIds)}</td></tr>`);
  }
  return `<table class="meta">${cells.join('')}</table>`;
}

function renderRequirements(requirements: ReportRequirement[], scenarios: ReportScenario[]): string {
  // A requirement links to the first run of each scenario (whichever format ran first).
  const firstRun = new Map<string, string>();
  for (const s of scenarios) if (!firstRun.has(s.id)) firstRun.set(s.id, anchor(s));
  const rows = requirements
    .map((r) => {
      const links = r.scenarios
        .map((id) => {
          const target = firstRun.get(id);
          return target ? `<a href="#${target}">${escapeHtml(id)}</a>` : escapeHtml(id);
        })
        .join(' ');
      return `<tr class="req ${r.status}"><td><code>${escapeHtml(r.id)}</code></td><td>${r.level}</td><td>${badge(r.status)}</td><td>${escapeHtml(r.summary ?? '')}</td><td class="links">${links || '—'}</td></tr>`;
    })
    .join('\n');
  return `<section><h2>Requirements</h2>
<div class="scroll"><table class="matrix"><thead><tr><th>Requirement</th><th>Level</th><th>Status</th><th>Statement</th><th>Scenarios</th></tr></thead>
<tbody>${rows}</tbody></table></div></section>`;
}

function renderAssertion(a: ReportAssertion): string {
  return `<li class="assertion ${a.status}">${badge(a.status)} <span class="level">${a.level}</span> ${escapeHtml(a.name)}: ${escapeHtml(a.message)}</li>`;
}

function renderHeaders(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(v)}`)
    .join('\n');
}

function renderExchange(step: ReportStep, pretty: typeof prettyBody): string {
  const parts: string[] = [];
  if (step.request) {
    const r = step.request;
    parts.push(`<div class="exchange"><h5>Request</h5>
<pre class="http">${escapeHtml(`${r.method} ${r.url}`)}\n${renderHeaders(r.headers)}</pre>
${r.body ? `<pre class="body">${escapeHtml(pretty(r.body, r.headers))}</pre>` : ''}${r.bodyTruncated ? '<p class="note">Body truncated in evidence.</p>' : ''}
<h5>Reproduce</h5><pre class="curl">${escapeHtml(curlCommand(r))}</pre></div>`);
  }
  if (step.response) {
    const r = step.response;
    parts.push(`<div class="exchange"><h5>Response</h5>
<pre class="http">HTTP ${r.status}\n${renderHeaders(r.headers)}</pre>
${r.body ? `<pre class="body">${escapeHtml(pretty(r.body, r.headers))}</pre>` : ''}${r.bodyTruncated ? '<p class="note">Body truncated in evidence.</p>' : ''}</div>`);
  }
  if (step.error) parts.push(`<p class="error-text">${escapeHtml(step.error)}</p>`);
  if (step.exchanges) parts.push(renderAllExchanges(step, pretty));
  return parts.join('\n');
}

/** A step that sent many requests (a concurrency step): one line each, every one expandable. */
function renderAllExchanges(step: ReportStep, pretty: typeof prettyBody): string {
  const rows = (step.exchanges ?? [])
    .map((e, i) => {
      const outcome = e.response ? `HTTP ${e.response.status}` : escapeHtml(e.error ?? 'no response');
      const detail = renderExchange({ name: '', assertions: [], request: e.request, response: e.response, ...(e.error ? { error: e.error } : {}) }, pretty);
      return `<details class="exchange-item"><summary>#${i + 1} ${outcome} <span class="dur">${formatDuration(e.durationMs)}</span></summary>${detail}</details>`;
    })
    .join('\n');
  return `<h5>All ${step.exchanges?.length ?? 0} exchanges</h5>${rows}`;
}

function renderStep(step: ReportStep, pretty: typeof prettyBody): string {
  const status = step.status ?? 'passed';
  const open = status === 'failed' || status === 'errored' ? ' open' : '';
  const assertions = [...step.assertions].sort(byAttention).map(renderAssertion).join('');
  return `<details class="step ${status}"${open}><summary>${badge(status)} ${escapeHtml(step.name)} <span class="dur">${formatDuration(step.durationMs)}</span></summary>
<ul class="assertions">${assertions}</ul>
${renderExchange(step, pretty)}
</details>`;
}

function renderScenario(s: ReportScenario, pretty: typeof prettyBody): string {
  const open = s.status === 'failed' || s.status === 'errored' ? ' open' : '';
  const warnings = s.steps.some((st) => st.assertions.some((a) => a.status === 'warning')) ? ' has-warning' : '';
  const steps = s.steps.map((step) => renderStep(step, pretty)).join('\n');
  return `<details class="scenario ${s.status}${warnings}" id="${anchor(s)}" data-status="${s.status}"${open}>
<summary>${badge(s.status)} <code>${escapeHtml(s.id)}</code> ${s.format === 'none' ? '' : `<span class="fmt">${s.format}</span> `}${escapeHtml(s.title)} <span class="dur">${formatDuration(s.durationMs)}</span></summary>
<p class="reqs">Verifies: ${s.requirements.map((r) => `<code>${escapeHtml(r)}</code>`).join(' ') || '—'}</p>
${s.message ? `<pre class="message">${escapeHtml(s.message)}</pre>` : ''}
${steps}
</details>`;
}

/**
 * Each scenario's HTML, made once: a reporter renders every scenario as its result arrives, and the whole
 * report then only puts the pieces together. A scenario is known by its object, which must not change
 * once rendered.
 */
export class ScenarioHtml {
  private readonly pretty = prettyBodyOnce();
  private readonly rendered = new WeakMap<ReportScenario, string>();

  of(scenario: ReportScenario): string {
    let html = this.rendered.get(scenario);
    if (html === undefined) {
      html = renderScenario(scenario, this.pretty);
      this.rendered.set(scenario, html);
    }
    return html;
  }
}

/** `heading`: Scenarios for a server run, Client rules for a client session. */
function renderScenarios(scenarios: ReportScenario[], heading: string, html: ScenarioHtml): string {
  const suites = new Map<string, ReportScenario[]>();
  for (const s of scenarios) {
    const list = suites.get(s.suite ?? 'scenarios') ?? [];
    list.push(s);
    suites.set(s.suite ?? 'scenarios', list);
  }
  const counts = (status: ScenarioStatus) => scenarios.filter((s) => s.status === status).length;
  const filters = `<nav class="filters" aria-label="Filter scenarios">
<button data-filter="all" class="active">All (${scenarios.length})</button>
<button data-filter="failed">Failed (${counts('failed')})</button>
<button data-filter="errored">Errored (${counts('errored')})</button>
<button data-filter="warning">With warnings (${scenarios.filter((s) => s.steps.some((st) => st.assertions.some((a) => a.status === 'warning'))).length})</button>
<button data-filter="passed">Passed (${counts('passed')})</button>
</nav>`;
  // Suites that need attention come first, like the scenarios inside them.
  const worst = (list: ReportScenario[]) => Math.min(...list.map((s) => ATTENTION[s.status] ?? 9));
  const groups = [...suites.entries()]
    .sort(([, a], [, b]) => worst(a) - worst(b))
    .map(([suite, list]) => `<section class="suite"><h3>${escapeHtml(suite)}</h3>${[...list].sort(byAttention).map((s) => html.of(s)).join('\n')}</section>`)
    .join('\n');
  return `<section><h2>${heading}</h2>${filters}${groups}</section>`;
}

/** `scenarios`: where scenarios already rendered (as the run went) are taken from. */
export function renderHtmlReport(report: AssuranceReport, scenarios = new ScenarioHtml()): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>NDOP assurance report: ${escapeHtml(verdictText(report))} — ${escapeHtml(report.target.url)}</title>
<style>${STYLE}</style></head>
<body>
<main>
<h1>${report.mode === 'client' ? 'NDOP client assurance report' : 'NDOP API assurance report'}</h1>
${renderBanner(report)}
${renderMeta(report)}
${renderScenarios(report.scenarios, report.mode === 'client' ? 'Client rules' : 'Scenarios', scenarios)}
${renderRequirements(report.requirements, report.scenarios)}
</main>
<script>${SCRIPT}</script>
</body></html>
`;
}
