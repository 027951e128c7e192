/**
 * For the stand-ins' integration tests: one HTTPS request, verified against `ca` when given (else
 * unverified, as `curl -k` is), with Basic `auth`, a body and headers; the answer's status, headers,
 * text and JSON. Outside src/, so not in the published dist.
 */
import * as https from 'node:https';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function call(
  url: string,
  options: {
    method?: string;
    ca?: string;
    auth?: string;
    body?: Buffer | string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const target = new URL(url);
  const headers: Record<string, string | number> = { ...(options.headers ?? {}) };
  if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  if (options.body !== undefined) headers['Content-Length'] = Buffer.byteLength(options.body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        method: options.method ?? 'GET',
        hostname: target.hostname,
        port: target.port || 443,
        path: target.pathname + target.search,
        headers,
        ca: options.ca,
        rejectUnauthorized: options.ca !== undefined,
        agent: false,
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url}: timeout`)));
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
