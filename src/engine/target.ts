/** The target under test: the configured URL, or the embedded reference server on an ephemeral port. */
import { startReferenceServer } from '../reference/index.js';

export interface Target {
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

export async function openTarget(targetUrl: string | undefined): Promise<Target> {
  if (targetUrl) return { url: targetUrl.replace(/\/+$/, ''), embedded: false, close: async () => {} };
  const server = await startReferenceServer({ port: 0 });
  return { url: server.url, embedded: true, close: () => server.close() };
}
