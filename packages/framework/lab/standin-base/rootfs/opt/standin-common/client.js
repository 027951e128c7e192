'use strict';
// HTTP(S) requests for the stand-ins: to UCP (login, nodes), between DTR replicas (health probes),
// and to local services. TLS is verified against the given CA unless `insecure` is set.

const http = require('node:http');
const https = require('node:https');
const { Buffer } = require('node:buffer');
const { URL } = require('node:url');

/**
 * One request; resolves to { status, headers, text, json } and rejects on network/TLS errors or when
 * the whole exchange takes longer than `timeout` ms.
 */
function request(url, options = {}) {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const body = options.json !== undefined ? Buffer.from(JSON.stringify(options.json)) : options.body;
  const headers = { ...(options.headers || {}) };
  if (options.json !== undefined) headers['Content-Type'] = 'application/json';
  if (body) headers['Content-Length'] = body.length;
  const timeout = options.timeout || 10000;
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      {
        method: options.method || 'GET',
        hostname: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port || (secure ? 443 : 80),
        path: target.pathname + target.search,
        headers,
        agent: false,
        // As a request option the timeout also covers connecting (req.setTimeout only starts once
        // the socket is connected, so a peer that drops SYNs would hang the caller for minutes).
        timeout,
        ...(secure
          ? {
              ca: options.ca || undefined,
              // A client certificate, where the server asks for one (the DTR stand-in's etcd members).
              cert: options.cert || undefined,
              key: options.key || undefined,
              rejectUnauthorized: !options.insecure,
              servername: options.servername,
              ...(options.anyHostname ? { checkServerIdentity: () => undefined } : {}),
            }
          : {}),
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout / 1000} s`)));
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

/** A short human reason for a failed request: the error code and message, without a stack. */
function reason(error) {
  if (!error) return 'unknown error';
  const code = error.code && !String(error.message).includes(error.code) ? `${error.code}: ` : '';
  return `${code}${error.message}`;
}

module.exports = { request, reason };
