/**
 * ndop-assure: runs the NDOP scenarios against a target (or the embedded reference server)
 * and writes the assurance report. Exit codes: 0 conformant, 1 non-conformant, 2 usage or
 * configuration error, 3 the target could not be tested.
 */
import { Command, Option } from 'commander';
import { ConfigFileError } from '../config/config-file.js';
import { resolveRunOptions, type CommandLineOptions } from '../config/run-options.js';
import { SettingsError } from '../config/settings.js';
import { EXIT } from './exit-codes.js';
import { parseCommandLine } from './parse-command-line.js';
import { DataFileError } from '../engine/yaml-data.js';
import { OptInError } from '../engine/selection.js';
import { writeRefusal } from '../engine/write-safety.js';
import { reportCompleteness } from './completeness.js';
import { listScenarios, runSelection, ScenarioDataError } from './list.js';
import { reportDirProblem } from './report-dir.js';
import { runScenarios, toolVersion } from './run-scenarios.js';
import { summaryText } from './summary.js';
import { writeUnreachableReport } from './unreachable-report.js';

const EXAMPLES = `
Environment variables (override the config file; options override both):
  NDOP_TARGET_URL, NDOP_FORMAT, NDOP_CONFIG, NDOP_REPORT_DIR, NDOP_GREP, NDOP_TIMEOUT,
  NDOP_FIXED_PATIENTS, NDOP_SNOMED_SYSTEM, NDOP_MAX_CONSENTS_PER_PATIENT, NDOP_SECRET_HEADERS,
  NDOP_ALLOW_WRITES, NDOP_OPT_IN, NDOP_ODS_CODE
  audit JWT:     NDOP_JWT (unsigned|signed|off), NDOP_JWT_HEADER (Authorization|Ssp-Authorization),
                 NDOP_JWT_ALGORITHM (RS256|ES256), NDOP_JWT_KEY_FILE, NDOP_JWT_KEY_ID, NDOP_JWT_CLAIMS (JSON)
  Spine headers: NDOP_SSP_FROM, NDOP_SSP_TO (ASIDs), NDOP_INTERACTION_IDS, NDOP_EXTRA_HEADERS (JSON)
  TLS:           NDOP_TLS_CERT, NDOP_TLS_KEY or NDOP_TLS_PFX, NDOP_TLS_PASSPHRASE (or the variable
                 NDOP_TLS_PASSPHRASE_ENV names), NDOP_TLS_CA, NDOP_TLS_SERVERNAME
  proxy:         HTTPS_PROXY, HTTP_PROXY, NO_PROXY

Exit codes:
  0 conformant (warnings allowed)   1 not conformant (a MUST/SHALL failed)
  2 usage or configuration error    3 the target could not be tested

Examples:
  npm run assure                                         # against the embedded reference server
  npx ndop-assure --target https://ndop.example.nhs.uk/STU3 --format json
  npx ndop-assure --config ndop.yaml --report-dir out/ndop --grep '^create-'
  npx ndop-assure --target http://localhost:4080 --timeout 5000 --format xml
  npx ndop-assure --list                                 # scenarios and requirements, nothing run
  npx ndop-assure client --until-idle 60s                # client assurance: record your NDOP client, then check it
  npx ndop-assure --config examples/nhs-int.yaml --allow-writes --opt-in security   # an NHS test environment
`;

function program(): Command {
  return new Command('ndop-assure')
    .description('Assure an NDOP (National Data Opt-out) FHIR STU3 server against the implementation guide.')
    .version(toolVersion())
    .addOption(new Option('--target <url>', 'base URL of the server under test (default: start the embedded reference server)'))
    .addOption(new Option('--format <format>', 'formats to run each scenario in').choices(['xml', 'json', 'both']))
    .option('--config <file>', 'YAML or JSON configuration file (see examples/ and the README)')
    .option('--report-dir <dir>', 'where to write the reports (default: reports)')
    .option('--grep <pattern>', 'run only scenarios whose "id [format]" or title matches this regular expression')
    .option('--timeout <ms>', 'connect and response timeout in milliseconds')
    .option('--allow-writes', 'let scenarios that create or update Consents run against a target that is not loopback')
    .option('--opt-in <suites>', 'also run these opt-in suites (comma-separated), e.g. security')
    .option('--list', 'list the scenarios and requirements without running anything')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

export async function main(argv: string[]): Promise<number> {
  // Imported when used, as are the preflights below: a run against the embedded server starts without the
  // reference server's, the HTTP client's and JOSE's modules in this thread.
  if (argv[0] === 'client') return (await import('./client-command.js')).runClientCommand(argv.slice(1));
  const command = program();
  const ended = parseCommandLine(command, argv);
  if (ended !== undefined) return ended;
  const cli = command.opts<CommandLineOptions & { list?: boolean }>();
  let options;
  try {
    options = resolveRunOptions(cli);
  } catch (e) {
    if (e instanceof SettingsError || e instanceof ConfigFileError) {
      process.stderr.write(`ndop-assure: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  let selected;
  let available;
  try {
    ({ runs: selected, available } = runSelection(options.settings));
  } catch (e) {
    if (e instanceof DataFileError || e instanceof ScenarioDataError || e instanceof OptInError) {
      process.stderr.write(`ndop-assure: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  if (cli.list) {
    process.stdout.write(`${listScenarios(options.settings)}\n`);
    return EXIT.conformant;
  }
  if (selected.length === 0) {
    process.stderr.write(`ndop-assure: no scenario matches --grep "${options.settings.grep}". Nothing was run; --list shows the scenarios.\n`);
    return EXIT.usage;
  }
  const refusal = writeRefusal(selected, options.settings);
  if (refusal) {
    process.stderr.write(`ndop-assure: ${refusal}\n`);
    return EXIT.usage;
  }
  const unwritable = reportDirProblem(options.reportDir);
  if (unwritable) {
    process.stderr.write(`ndop-assure: ${unwritable}. Nothing was run.\n`);
    return EXIT.usage;
  }
  const grep = options.settings.grep;
  const selection = { selected: selected.length, available, ...(grep !== undefined ? { grep } : {}) };
  if (options.settings.targetUrl) {
    const target = options.settings.targetUrl;
    // An https target is checked with the run's own TLS settings, so a refused client certificate is one clear message.
    const reach = target.startsWith('https:')
      ? await (await import('./tls-preflight.js')).checkHttpsTarget({ ...options.settings, targetUrl: target })
      : await (await import('./preflight.js')).checkReachable(target, options.settings.connectTimeoutMs);
    if (!reach.ok) {
      const reason = `the target ${options.settings.targetUrl} cannot be reached: ${reach.reason}`;
      const { json } = writeUnreachableReport(options, reason, selection);
      process.stderr.write(`ndop-assure: ${reason}. Nothing was tested; report: ${json}\n`);
      return EXIT.untestable;
    }
  }
  const { report, files } = await runScenarios(options, selection);
  process.stdout.write(`${summaryText(report, files)}\n`);
  const incomplete = reportCompleteness(selected.map((run) => run.name), report);
  if (incomplete) process.stderr.write(`ndop-assure: ${incomplete}\n`);
  // A proven MUST failure stands even in an incomplete run; otherwise an incomplete run was not fully tested.
  if (report.verdict === 'non-conformant') return EXIT.nonConformant;
  return report.verdict === 'conformant' && !incomplete ? EXIT.conformant : EXIT.untestable;
}

// Run when executed directly (npm run assure, bin/ndop-assure.js), not when imported by tests.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`ndop-assure: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(EXIT.untestable);
    },
  );
}
