/**
 * `npm run reference -- --port 4080 [--host 127.0.0.1] [--fault NAME ...]`: the reference server alone, one
 * log line per request, clean shutdown on SIGINT/SIGTERM; `--list-faults` lists the faults it can inject.
 */
import { Command, InvalidArgumentError } from 'commander';
import { faultCatalogue } from './faults/index.js';
import { faultListing } from './faults/listing.js';
import { startReferenceServer } from './server.js';
import { addSecurityOptions, securityNote, securityServerOptions, type SecurityFlags } from './security-options.js';

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return n;
}

function bytes(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('a size is a positive whole number of bytes');
  return n;
}

function fault(name: string, names: string[]): string[] {
  if (!faultCatalogue().some((f) => f.name === name)) throw new InvalidArgumentError(`unknown fault "${name}"; --list-faults lists them`);
  return [...names, name];
}

const program = addSecurityOptions(new Command())
  .name('reference')
  .description('The embedded reference NDOP server (FHIR STU3 Consent API)')
  .option('-p, --port <port>', 'TCP port (0 picks a free one)', port, 4080)
  .option('-H, --host <host>', 'interface to listen on', '127.0.0.1')
  .option('--max-body-bytes <bytes>', 'largest accepted request body', bytes, 1024 * 1024)
  .option('--fault <name>', 'break one required behaviour on purpose (repeatable; see --list-faults)', fault, [] as string[])
  .option('--list-faults', 'list the faults the server can be started with, and exit')
  .showHelpAfterError();

program.parse();
const options = program.opts<{ port: number; host: string; maxBodyBytes: number; fault: string[]; listFaults?: boolean } & SecurityFlags>();

if (options.listFaults) {
  process.stdout.write(faultListing());
  process.exit(0);
}

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
try {
  const security = securityServerOptions(options);
  const server = await startReferenceServer({ port: options.port, host: options.host, maxBodyBytes: options.maxBodyBytes, log, faults: options.fault, ...security });
  const note = securityNote(security);
  log(`NDOP reference server listening on ${server.url} (CapabilityStatement at ${server.url}/metadata)${note ? `; ${note}` : ''}`);
  if (options.fault.length > 0) log(`FAULTS INJECTED, this server is deliberately non-conformant: ${options.fault.join(', ')}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, shutting down`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while closing: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  process.stderr.write(`cannot start the reference server on ${options.host}:${options.port}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
