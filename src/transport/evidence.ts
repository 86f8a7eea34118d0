/** One HTTP exchange as recorded for the reports: what was sent, what came back, how long it took. */

export interface EvidenceRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface EvidenceResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as text; cut at the evidence limit (see bodyTruncated). */
  body: string;
  /** Set when the body was cut: how many characters the whole body had. */
  bodyTruncated?: { originalLength: number; note: string };
}

export interface Evidence {
  request: EvidenceRequest;
  response?: EvidenceResponse;
  /** Milliseconds from sending the request to the end of the response body (or the error). */
  durationMs: number;
  /** Set when no response could be obtained: refused, timed out, reset... */
  error?: { code: string; message: string };
}

export const REDACTED = '[redacted]';
