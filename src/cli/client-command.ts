/**
 * `ndop-assure client`: client assurance mode. Starts the reference server in recording mode, lets the
 * supplier's client run its workflows against it, and when the session ends (duration, idle time, or
 * Ctrl-C) checks the recorded traffic against the client rules and writes the same four reports.
 */
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_SESSION_LIMITS, SessionRecorder } from '../client-assurance/session.js';
import { startReferenceServer, type RunningServer } from '../reference/index.js';
import { addSecurityOptions, securityNote, securityServerOptions, SecurityOptionError, type SecurityFlags } from '../reference/security-options.js';
import { AUDIT_JWT } from '../spine/audit-jwt-data.js';
import { isSpineInteraction, SPINE_INTERACTIONS } from '../spine/interactions.js';
import { EXIT } from './exit-codes.js';
import { parseCommandLine } from './parse-command-line.js';
import { runSpec } from './run-scenarios.js';
import { summaryText } from './summary.js';

const SPEC = 'src/client-assurance/session.spec.ts';
export const SESSION_FILE = 'client-session.jsonl';

/** 90s, 10m, 1h, or plain milliseconds. */
export function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('a duration is a number with ms, s, m or h, e.g. 90s or 10m');
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms'];
  return Math.round(Number(match[1]) * unit!);
}

/** `{"create": "urn:...", ...}`: the Ssp-InteractionIDs to check beyond the one the guide fixes (metadata). */
export function interactionIds(value: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('a JSON object of interaction names to Ssp-InteractionIDs, e.g. {"create":"urn:nhs:..."}');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidArgumentError('a JSON object of interaction names to Ssp-InteractionIDs');
  for (const [key, id] of Object.entries(parsed)) {
    if (!isSpineInteraction(key)) throw new InvalidArgumentError(`"${key}" is not an interaction (${SPINE_INTERACTIONS.join(', ')})`);
    if (typeof id !== 'string' || id === '') throw new InvalidArgumentError(`the Ssp-InteractionID of ${key} must be a non-empty string`);
  }
  return parsed as Record<string, string>;
}

function headerNames(value: string): string[] {
  return value.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
}

function whole(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('a whole number');
  return Number(value);
}

interface ClientOptions extends SecurityFlags {
  port: number;
  host: string;
  duration?: number;
  untilIdle?: number;
  reportDir: string;
  audience?: string;
  maxExchanges: number;
  interactionIds?: Record<string, string>;
  secretHeaders?: string[];
}

function program(): Command {
  return addSecurityOptions(
    new Command('ndop-assure client')
      .description('Client assurance: record an NDOP client talking to the reference server, then check it against the guide\'s client rules.')
      .option('-p, --port <port>', 'port the client talks to', whole, 4080)
      .option('-H, --host <host>', 'interface to listen on', '127.0.0.1')
      .option('--duration <time>', 'end the session after this long, e.g. 10m', duration)
      .option('--until-idle <time>', 'end the session when no request came for this long, e.g. 60s', duration)
      .option('--report-dir <dir>', 'where to write the session and the reports', 'reports')
      .option('--audience <uri>', `the aud every audit JWT must carry (default: --jwt-audience, else ${AUDIT_JWT.audience})`)
      .option('--interaction-ids <json>', 'Ssp-InteractionIDs to check per interaction, e.g. {"create":"urn:nhs:..."} (the guide fixes only metadata\'s)', interactionIds)
      .option('--secret-headers <names>', 'further request headers to redact in the recording and reports, comma-separated (also NDOP_SECRET_HEADERS)', headerNames)
      .option('--max-exchanges <n>', 'record at most this many requests (the rest are counted)', whole, DEFAULT_SESSION_LIMITS.maxExchanges),
  )
    .addHelpText('after', '\nWithout --duration or --until-idle the session ends on Ctrl-C. Exit codes as for a server run: 0 conformant, 1 not, 2 usage, 3 nothing could be checked.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

/** Resolves when the session should end: the duration passed, the client went idle, or a signal came. */
function sessionEnd(options: ClientOptions, activity: { last: number }): Promise<string> {
  return new Promise((resolveEnd) => {
    const timers: NodeJS.Timeout[] = [];
    const finish = (why: string) => {
      for (const t of timers) clearInterval(t);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolveEnd(why);
    };
    const onInt = () => finish('SIGINT received');
    const onTerm = () => finish('SIGTERM received');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (options.duration !== undefined) timers.push(setTimeout(() => finish(`the session lasted ${options.duration} ms`), options.duration));
    if (options.untilIdle !== undefined) {
      const idle = options.untilIdle;
      timers.push(setInterval(() => Date.now() - activity.last >= idle && finish(`no request for ${idle} ms`), Math.min(1_000, idle)));
    }
  });
}

export async function runClientCommand(argv: string[]): Promise<number> {
  const command = program();
  const ended = parseCommandLine(command, argv);
  if (ended !== undefined) return ended;
  const options = command.opts<ClientOptions>();
  let security;
  try {
    security = securityServerOptions(options);
  } catch (e) {
    if (!(e instanceof SecurityOptionError)) throw e;
    process.stderr.write(`ndop-assure client: ${e.message}\n`);
    return EXIT.usage;
  }
  const reportDir = resolve(options.reportDir);
  const secretHeaders = [...(options.secretHeaders ?? []), ...headerNames(process.env.NDOP_SECRET_HEADERS ?? '')];
  let recorder: SessionRecorder;
  try {
    recorder = new SessionRecorder(join(reportDir, SESSION_FILE), { ...DEFAULT_SESSION_LIMITS, maxExchanges: options.maxExchanges, secretHeaders });
  } catch (e) {
    process.stderr.write(`ndop-assure client: cannot write the session to --report-dir ${reportDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return EXIT.usage;
  }
  const activity = { last: Date.now() };
  let server: RunningServer;
  try {
    server = await startReferenceServer({
      port: options.port,
      host: options.host,
      ...security,
      onExchange: (answered) => {
        activity.last = Date.now();
        recorder.record(answered);
        process.stdout.write(`  #${recorder.recorded} ${answered.exchange.method} ${answered.exchange.rawPath} ${answered.status}\n`);
      },
    });
  } catch (e) {
    process.stderr.write(`ndop-assure client: cannot listen on ${options.host}:${options.port}: ${(e as Error).message}\n`);
    return EXIT.usage;
  }
  const note = securityNote(security);
  process.stdout.write(`Recording NDOP client session: point your client at ${server.url}${note ? ` (${note})` : ''}\nRecording to ${recorder.file}\n`);
  const why = await sessionEnd(options, activity);
  await server.close();
  recorder.end();
  process.stdout.write(`Session ended (${why}): ${recorder.recorded} request(s) recorded${recorder.droppedCount ? `, ${recorder.droppedCount} over the limit not recorded` : ''}.\n`);

  process.env.NDOP_CLIENT_SESSION = recorder.file;
  process.env.NDOP_CLIENT_AUDIENCE = options.audience ?? options.jwtAudience ?? AUDIT_JWT.audience;
  process.env.NDOP_CLIENT_INTERACTION_IDS = JSON.stringify(options.interactionIds ?? {});
  process.env.NDOP_CLIENT_BASE_URL = server.url;
  const { report, files } = await runSpec({ spec: SPEC, reportDir, formats: ['xml', 'json'], targetLabel: `client session on ${server.url}`, timeoutMs: 60_000, mode: 'client' });
  process.stdout.write(`${summaryText(report, files)}\n`);
  if (report.verdict === 'non-conformant') return EXIT.nonConformant;
  return report.verdict === 'conformant' ? EXIT.conformant : EXIT.untestable;
}
