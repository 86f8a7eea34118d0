/**
 * `npm run reference -- --port 4080 [--host 127.0.0.1]`: the reference server alone, one log line per
 * request, clean shutdown on SIGINT/SIGTERM.
 */
import { Command, InvalidArgumentError } from 'commander';
import { startReferenceServer } from './server.js';

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

const program = new Command()
  .name('reference')
  .description('The embedded reference NDOP server (FHIR STU3 Consent API)')
  .option('-p, --port <port>', 'TCP port (0 picks a free one)', port, 4080)
  .option('-H, --host <host>', 'interface to listen on', '127.0.0.1')
  .option('--max-body-bytes <bytes>', 'largest accepted request body', bytes, 1024 * 1024)
  .showHelpAfterError();

program.parse();
const options = program.opts<{ port: number; host: string; maxBodyBytes: number }>();

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
try {
  const server = await startReferenceServer({ port: options.port, host: options.host, maxBodyBytes: options.maxBodyBytes, log });
  log(`NDOP reference server listening on ${server.url} (CapabilityStatement at ${server.url}/metadata)`);
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
