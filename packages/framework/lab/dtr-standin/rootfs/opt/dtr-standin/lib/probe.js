'use strict';
// How one replica (its front, or an installer's phase 2) probes another's /health. DTR 2.7 replicas
// are on the overlay network dtr-ol (made through UCP): there the probe goes to the other front by
// its container name, `https://dtr-nginx-<id>:443/health`, across nodes over the overlay, with the
// name verified against the cluster's CAs. Replicas not on dtr-ol (DTR 2.0, or a DTR 2.7 cluster on
// a UCP that makes no overlay networks) are probed at their node address and published HTTPS port.

const net = require('node:net');
const { request, reason } = require('standin-common/client');
const { names } = require('./names');

const urlHost = (host) => (net.isIPv6(host) ? `[${host}]` : host);

/**
 * The URL of replica `id`'s /health for a prober that is (`viaOverlay`) or is not on dtr-ol:
 * over dtr-ol only when both are on it.
 */
function healthUrl(id, replica, viaOverlay) {
  if (viaOverlay && replica.network === names.overlay) return `https://${names.nginx(id)}:443/health`;
  return `https://${urlHost(replica.address)}:${replica.https_port}/health`;
}

/** Replica `id`'s health: "OK", or why not. `cas`: the PEMs the probe trusts. */
async function probeReplica(id, replica, { cas, viaOverlay, logger }) {
  const url = healthUrl(id, replica, viaOverlay);
  if (logger) logger.debug(`probing replica ${id} at ${url}`);
  try {
    const res = await request(url, { ca: cas, timeout: 3000 });
    if (res.status === 200 && res.json && res.json.Healthy) return 'OK';
    return `unhealthy (HTTP ${res.status}): ${(res.json && res.json.Error) || res.text.trim()}`;
  } catch (error) {
    return `unreachable: ${url}: ${reason(error)}`;
  }
}

module.exports = { healthUrl, probeReplica, urlHost };
