'use strict';
// The HTTPS front of a DTR stand-in replica: the `dtr-nginx-<id>` container (named like DTR's nginx,
// though it is this Node.js program). It publishes the replica's HTTPS port (443 in the container)
// and HTTP port (80), and serves (per release line, `contract.line` of the image):
//   GET  /health                      {"Healthy": bool, "Error": "…"}; 200, or 503 naming the failing part
//   GET  /_ping                       (2.7) the same, plus each part's state; 2.0 documents no /_ping: 404
//   GET  /load_balancer_status        this replica's upstreams (HTML table; ?format=json for JSON), 200
//                                     when the replica is healthy, 503 otherwise (2.0's health check)
//   GET  /nginx_status                (2.7) connection counters, in nginx's stub_status format
//   GET  /ca                          the DTR CA (PEM)
//   GET  /api/v0/meta/cluster_status  replica_health of every replica, probed live        (admin)
//   GET  /api/v0/repositories[/{namespace}]                 list                      (admin)
//   POST /api/v0/repositories/{namespace}                   create                    (admin)
//   GET|PATCH|DELETE /api/v0/repositories/{namespace}/{repo}                          (admin)
//   GET  /auth/token                  the registry token flow's realm: a JWT for the scopes asked
//                                     (basic auth checked against UCP; anonymous: a token granting nothing)
//   /v2/…                             the registry API, proxied to dtr-registry-<id>:5000, which checks
//                                     the tokens itself (auth: token: in registry.yml; see token.js)
// "admin" is HTTP basic auth checked against UCP's /auth/login (answers cached for a minute).
// Plain HTTP serves the status endpoints and redirects the rest. Like DTR's, no answer says which
// replica gave it: through the load balancer, HAProxy's statistics tell.

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const path = require('node:path');
const { Buffer } = require('node:buffer');
const { URL } = require('node:url');
const { setImmediate } = require('node:timers');
const { setTimeout: delay } = require('node:timers/promises');
const { request, reason } = require('standin-common/client');
const pki = require('standin-common/pki');
const meta = require('./meta');
const { names } = require('./names');
const token = require('./token');
const { healthUrl, probeReplica } = require('./probe');
const { Store, NoQuorum } = require('./store');

const registryPort = 5000;
const authCacheMs = 60 * 1000;
const nameComponent = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

function hostOf(hostPort) {
  const text = String(hostPort || '').replace(/^[a-z]+:\/\//i, '');
  if (text.startsWith('[')) return text.slice(1, text.indexOf(']'));
  return text.split(':')[0].split('/')[0];
}

const urlHost = (host) => (net.isIPv6(host) ? `[${host}]` : host);

class Front {
  constructor(replicaId, logger, line = '2.7') {
    this.id = replicaId;
    this.logger = logger;
    /** '2.0' or '2.7': which of the status endpoints the release documents. */
    this.line = line;
    this.authCache = new Map();
    this.counters = { accepted: 0, handled: 0, requests: 0, active: 0 };
    /** Each other replica's health as last probed from here: the load balancer status page's rows. */
    this.peerResults = new Map();
    this.lastHealth = null;
    this.registryAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    /** The cluster metadata, in the replicated store (store.js): every write and current read with quorum. */
    this.store = new Store(replicaId, line);
  }

  /** The cluster document last read with quorum (health reads it every check). */
  cluster() {
    return this.store.cached;
  }

  self() {
    const cluster = this.cluster();
    return cluster && cluster.replicas ? cluster.replicas[this.id] : undefined;
  }

  /** Waits until the cluster metadata names this replica, then makes its server certificate. */
  async prepare() {
    await this.store.waitForCluster(this.logger);
    for (let attempt = 0; ; attempt++) {
      const cluster = this.cluster();
      const ca = meta.readCa();
      const self = cluster && cluster.replicas && cluster.replicas[this.id];
      if (cluster && ca && self) {
        this.ca = ca;
        // One signing key for the cluster, on the shared storage: every replica's tokens are valid on
        // every replica's registry.
        this.signing = await token.ensureSigningKey(cluster.cluster_id);
        const dnsNames = [
          hostOf(cluster.external_url),
          self.address,
          self.node,
          names.nginx(this.id),
          'localhost',
          '127.0.0.1',
        ];
        // A certificate given at install (--dtr-cert/--dtr-key) is served by every replica, as in
        // DTR; otherwise each replica gets one from the cluster's own CA.
        const given = meta.readServerCert();
        if (given) {
          this.tls = given;
          this.logger.info(`replica ${this.id}: serving the certificate given with --dtr-cert`);
          // Over dtr-ol the other replicas ask for dtr-nginx-<id> (SNI), which the given certificate
          // does not name: to them the front shows one of the cluster's internal CA for that name.
          const internal = meta.readInternalCa();
          if (internal && !new crypto.X509Certificate(given.certPem).checkHost(names.nginx(this.id))) {
            this.internalTls = pki.issueCertificate(internal, names.nginx(this.id), [names.nginx(this.id)], {
              organization: `DTR ${cluster.cluster_id}`,
            });
            this.logger.info(
              `replica ${this.id}: certificate of the internal CA for ${names.nginx(this.id)} (SNI)`,
            );
          }
          return;
        }
        this.tls = pki.issueCertificate(ca, hostOf(cluster.external_url) || self.address, dnsNames, {
          organization: `DTR ${cluster.cluster_id}`,
        });
        this.logger.info(`replica ${this.id}: certificate for ${[...new Set(dnsNames)].join(', ')}`);
        return;
      }
      if (attempt % 150 === 0) {
        this.logger.warn(`replica ${this.id}: waiting for the cluster metadata in ${meta.metaDir}`);
      }
      await delay(200);
    }
  }

  // ---- health -------------------------------------------------------------------------------------

  /**
   * The health of this replica: metadata, shared storage, registry. A healthy answer is kept for a
   * second; a failing one is not kept, so a replica that has just come up says so at the next
   * check (a kept failure held each new replica back for up to a second). Callers at the same time
   * share one check, so a burst of checks without quorum makes one read, not many.
   */
  health() {
    if (this.lastHealth && Date.now() - this.lastHealth.at < 1000)
      return Promise.resolve(this.lastHealth.value);
    if (!this.healthInFlight) {
      this.healthInFlight = this.checkHealth().finally(() => {
        this.healthInFlight = null;
      });
    }
    return this.healthInFlight;
  }

  async checkHealth() {
    const components = {};
    // A linearizable read: without a quorum of the store's members, this replica is unhealthy.
    const { cluster, status } = await this.store.metadataHealth();
    components.metadata = status;
    try {
      const file = meta.files.health(this.id);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const stamp = new Date().toISOString();
      fs.writeFileSync(file, stamp);
      if (fs.readFileSync(file, 'utf8') !== stamp) throw new Error('read back something else than written');
      components.storage = 'OK';
    } catch (error) {
      components.storage = reason(error);
    }
    try {
      // With a token of this replica's own, granting nothing: the registry answers and accepts the
      // cluster's tokens.
      const headers = cluster ? { Authorization: `Bearer ${this.sign('', []).token}` } : {};
      const res = await request(`http://${names.registry(this.id)}:${registryPort}/v2/`, {
        timeout: 2000,
        headers,
      });
      components.registry = res.status === 200 ? 'OK' : `HTTP ${res.status}`;
    } catch (error) {
      components.registry = reason(error);
    }
    const failing = Object.entries(components).filter(([, v]) => v !== 'OK');
    const value = {
      Healthy: failing.length === 0,
      Error: failing.map(([k, v]) => `${k}: ${v}`).join('; '),
      components,
    };
    this.lastHealth = value.Healthy ? { at: Date.now(), value } : null;
    return value;
  }

  /** Whether this replica's front is on dtr-ol (DTR 2.7 on a UCP with a swarm). */
  onOverlay() {
    const self = this.self();
    return Boolean(self && self.network === names.overlay);
  }

  /**
   * Another replica's health as seen from here: "OK", or why not. From a front on dtr-ol, over the
   * overlay to `dtr-nginx-<id>` (probe.js), its name verified against the cluster's CAs.
   */
  probe(id, replica) {
    return probeReplica(id, replica, {
      cas: meta.trustedCas(),
      viaOverlay: this.onOverlay(),
      logger: this.logger,
    });
  }

  async clusterStatus() {
    const cluster = (await this.store.current()) || { replicas: {} };
    const ids = Object.keys(cluster.replicas).sort();
    const results = await Promise.all(
      ids.map(async (id) => {
        if (id !== this.id) return this.probe(id, cluster.replicas[id]);
        const health = await this.health();
        return health.Healthy ? 'OK' : health.Error;
      }),
    );
    const now = new Date().toISOString();
    const byId = (fn) => Object.fromEntries(ids.map((id, i) => [id, fn(id, i)]));
    return {
      cluster_id: cluster.cluster_id,
      current_replica_id: this.id,
      replica_health: byId((_, i) => results[i]),
      replica_timestamp: byId(() => now),
      replica_readonly: byId(() => false),
      replicas: byId((id) => {
        const r = cluster.replicas[id];
        return {
          node: r.node,
          address: r.address,
          http_port: r.http_port,
          https_port: r.https_port,
          joined_at: r.joined_at,
        };
      }),
      gc_lock_holder: '',
    };
  }

  /**
   * Another replica's row on the load balancer status page: probed now, but shown as last probed when
   * it does not answer within a second. The page is this replica's own health check, which a load
   * balancer times out (HAProxy after 3 s here): waiting on a peer cut off by a partition would take
   * a healthy replica out of the pool for a peer's sake.
   */
  peerStatus(id, replica) {
    const probed = this.probe(id, replica).then((result) => {
      this.peerResults.set(id, result);
      return result;
    });
    const shownAsLast = delay(1000).then(() => this.peerResults.get(id) ?? 'unreachable: no answer yet');
    return Promise.race([probed, shownAsLast]);
  }

  /** The page's rows, and this replica's own health (which alone decides the page's status code). */
  async loadBalancerStatus() {
    const cluster = (await this.store.current()) || { replicas: {} };
    const ids = Object.keys(cluster.replicas).sort();
    const [health, peers] = await Promise.all([
      this.health(),
      Promise.all(ids.map((id) => (id === this.id ? null : this.peerStatus(id, cluster.replicas[id])))),
    ]);
    const servers = [
      {
        upstream: 'registry',
        name: `${names.registry(this.id)}:${registryPort}`,
        status: health.components.registry === 'OK' ? 'up' : 'down',
        port: registryPort,
      },
    ];
    const probes = ids.map((id, i) => (id === this.id ? (health.Healthy ? 'OK' : health.Error) : peers[i]));
    ids.forEach((id, i) => {
      const r = cluster.replicas[id];
      const target = new URL(healthUrl(id, r, this.onOverlay()));
      servers.push({
        upstream: 'replicas',
        name: target.host,
        status: probes[i] === 'OK' ? 'up' : 'down',
        port: Number(target.port) || 443,
      });
    });
    const page = {
      servers: {
        total: servers.length,
        generation: 1,
        server: servers.map((s, index) => ({
          index,
          ...s,
          rise: s.status === 'up' ? 1 : 0,
          fall: s.status === 'up' ? 0 : 1,
          type: 'http',
        })),
      },
    };
    return { page, healthy: health.Healthy };
  }

  // ---- auth ---------------------------------------------------------------------------------------

  /** Basic auth of the UCP admin, checked with UCP's /auth/login: { user } or { status, code, message }. */
  async authenticate(req) {
    const header = req.headers.authorization || '';
    const match = /^Basic\s+(.+)$/i.exec(header);
    if (!match) return { status: 401, code: 'NOT_AUTHENTICATED', message: 'authentication required' };
    const decoded = Buffer.from(match[1], 'base64').toString();
    const colon = decoded.indexOf(':');
    if (colon <= 0) return { status: 401, code: 'NOT_AUTHENTICATED', message: 'malformed basic credentials' };
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const self = this.self();
    if (!self)
      return { status: 503, code: 'UNAVAILABLE', message: `replica ${this.id} is not part of the cluster` };
    const key = crypto.createHash('sha256').update(`${self.ucp.url}\0${username}\0${password}`).digest('hex');
    const cached = this.authCache.get(key);
    if (cached && cached > Date.now()) return { user: username };
    let res;
    try {
      res = await request(`${self.ucp.url}/auth/login`, {
        method: 'POST',
        json: { username, password },
        ca: self.ucp.ca || undefined,
        insecure: self.ucp.insecure,
        timeout: 5000,
      });
    } catch (error) {
      return {
        status: 503,
        code: 'UNAVAILABLE',
        message: `cannot reach UCP at ${self.ucp.url}: ${reason(error)}`,
      };
    }
    if (res.status === 200) {
      this.authCache.set(key, Date.now() + authCacheMs);
      return { user: username };
    }
    if (res.status === 401 || res.status === 403) {
      return { status: 401, code: 'NOT_AUTHENTICATED', message: 'invalid username or password' };
    }
    return {
      status: 503,
      code: 'UNAVAILABLE',
      message: `UCP at ${self.ucp.url} answered HTTP ${res.status}`,
    };
  }

  /** The realm and service of the registry token flow: the external URL's host. */
  endpoints() {
    return token.endpoints(this.cluster(), this.self());
  }

  sign(subject, access) {
    return token.sign(this.signing, { service: this.endpoints().service, subject, access });
  }

  /**
   * GET /auth/token?service=…&scope=…[&scope=…]: with basic credentials UCP accepts, a token granting
   * what the stand-in allows (the admin: everything); without credentials, one granting nothing;
   * wrong credentials: 401.
   */
  async authToken(req, res, query) {
    if (req.method !== 'GET')
      return sendErrors(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here`);
    const { service } = this.endpoints();
    if (query.has('service') && query.get('service') !== service) {
      return sendErrors(
        res,
        400,
        'INVALID_SERVICE',
        `this registry's service is "${service}", not "${query.get('service')}"`,
      );
    }
    let user = '';
    if (req.headers.authorization) {
      const auth = await this.authenticate(req);
      if (!auth.user) {
        if (auth.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Docker Trusted Registry"');
        return sendErrors(res, auth.status, auth.code, auth.message);
      }
      user = auth.user;
    }
    const access = token.grant(user, token.parseScopes(query.getAll('scope')));
    return sendJson(res, 200, token.tokenResponse(this.sign(user, access)));
  }

  // ---- repositories -------------------------------------------------------------------------------

  async repositoryApi(req, res, parts, body, user) {
    const [namespace, repo] = parts;
    if (namespace !== undefined && !nameComponent.test(namespace)) {
      return sendErrors(res, 400, 'INVALID_NAMESPACE', `invalid namespace "${namespace}"`);
    }
    // Every answer is current: a quorum read (or a quorum write) of the store, refused without one.
    const repositories = req.method === 'GET' ? await this.store.repositories() : {};
    if (repo === undefined) {
      if (req.method === 'GET') {
        const list = Object.values(repositories).filter(
          (r) => namespace === undefined || r.namespace === namespace,
        );
        return sendJson(res, 200, { repositories: list.sort((a, b) => a.name.localeCompare(b.name)) });
      }
      if (req.method === 'POST' && namespace !== undefined)
        return this.createRepository(res, namespace, body, user);
      return sendErrors(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here`);
    }
    const key = `${namespace}/${repo}`;
    if (req.method === 'GET') {
      return repositories[key] ? sendJson(res, 200, repositories[key]) : noSuchRepository(res, key);
    }
    if (req.method === 'PATCH') return this.updateRepository(res, key, body);
    if (req.method === 'DELETE') return this.deleteRepository(res, key);
    return sendErrors(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here`);
  }

  async createRepository(res, namespace, body, user) {
    if (!body || typeof body !== 'object')
      return sendErrors(res, 400, 'INVALID_JSON', 'expected a JSON object');
    const { name } = body;
    if (typeof name !== 'string' || !nameComponent.test(name) || name.length > 255) {
      return sendErrors(res, 400, 'INVALID_REPOSITORY_NAME', `invalid repository name "${name}"`);
    }
    const visibility = body.visibility === undefined ? 'public' : body.visibility;
    if (!['public', 'private'].includes(visibility)) {
      return sendErrors(res, 400, 'INVALID_VISIBILITY', 'visibility must be "public" or "private"');
    }
    const key = `${namespace}/${name}`;
    const created = await this.store.createRepository(key, {
      id: crypto.randomUUID(),
      namespace,
      namespaceType: namespace === user ? 'user' : 'organization',
      name,
      shortDescription: typeof body.shortDescription === 'string' ? body.shortDescription : '',
      longDescription: typeof body.longDescription === 'string' ? body.longDescription : '',
      visibility,
      status: 'ok',
      createdAt: new Date().toISOString(),
      createdBy: user,
      createdOnReplica: this.id,
    });
    if (!created) return sendErrors(res, 400, 'REPOSITORY_EXISTS', `repository ${key} already exists`);
    this.logger.info(`created repository ${key}`);
    return sendJson(res, 201, created);
  }

  async updateRepository(res, key, body) {
    if (!body || typeof body !== 'object')
      return sendErrors(res, 400, 'INVALID_JSON', 'expected a JSON object');
    if (body.visibility !== undefined && !['public', 'private'].includes(body.visibility)) {
      return sendErrors(res, 400, 'INVALID_VISIBILITY', 'visibility must be "public" or "private"');
    }
    const updated = await this.store.updateRepository(key, (current) => {
      const next = { ...current };
      for (const field of ['shortDescription', 'longDescription', 'visibility']) {
        if (typeof body[field] === 'string') next[field] = body[field];
      }
      return next;
    });
    return updated ? sendJson(res, 200, updated) : noSuchRepository(res, key);
  }

  async deleteRepository(res, key) {
    const deleted = await this.store.deleteRepository(key);
    if (!deleted) return noSuchRepository(res, key);
    // Its tags and manifest links go with it; unreferenced blobs stay until a garbage collection.
    fs.rmSync(path.join(meta.storageRoot, 'docker/registry/v2/repositories', key), {
      recursive: true,
      force: true,
    });
    this.logger.info(`deleted repository ${key}`);
    res.writeHead(204);
    return res.end();
  }

  // ---- registry proxy -----------------------------------------------------------------------------

  proxyRegistry(req, res) {
    // The registry checks the token (Authorization: Bearer) itself and sends the challenge.
    const headers = {
      ...req.headers,
      'x-forwarded-proto': 'https',
      'x-forwarded-for': req.socket.remoteAddress,
    };
    const upstream = http.request(
      {
        host: names.registry(this.id),
        port: registryPort,
        method: req.method,
        path: req.url,
        agent: this.registryAgent,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (res.headersSent) return res.destroy();
      return registryError(res, 503, 'UNAVAILABLE', `registry unavailable: ${reason(error)}`);
    });
    req.pipe(upstream);
  }

  /** The claims of the request's token if it is a valid one of this cluster, else null (the registry still checks it). */
  tokenClaims(req) {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization || '');
    if (!match) return null;
    try {
      return token.verify(match[1], this.signing.certPem, { service: this.endpoints().service });
    } catch {
      return null;
    }
  }

  async v2(req, res) {
    // Unless the token grants something on the repository, the registry answers (its Bearer
    // challenge, or insufficient_scope): no 404 tells a client which repositories exist.
    const claims = this.tokenClaims(req);
    if (!claims) return this.proxyRegistry(req, res);
    const pathname = req.url.split('?')[0];
    const match = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(pathname);
    if (match) {
      const parts = match[1].split('/');
      const key = match[1];
      const granted = (claims.access || []).some(
        (r) => r.type === 'repository' && r.name === key && (r.actions || []).length,
      );
      if (!granted) return this.proxyRegistry(req, res);
      if (parts.length !== 2 || !(await this.store.repository(key))) {
        return registryError(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry', {
          name: key,
        });
      }
    } else if (pathname !== '/v2' && pathname !== '/v2/' && pathname !== '/v2/_catalog') {
      return registryError(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry', {
        name: pathname.slice(4),
      });
    }
    return this.proxyRegistry(req, res);
  }

  // ---- routing ------------------------------------------------------------------------------------

  async statusRoutes(req, res, pathname, query) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    // DTR 2.0's pages name /load_balancer_status as the only health endpoint; /health is the
    // stand-in's own (the framework's and the replicas' probes), served by both.
    const documented = this.line === '2.0' ? !['/_ping', '/nginx_status'].includes(pathname) : true;
    if (!documented) return false;
    if (pathname === '/_ping' || pathname === '/health') {
      const health = await this.health();
      const body = pathname === '/health' ? { Error: health.Error, Healthy: health.Healthy } : health;
      sendJson(res, health.Healthy ? 200 : 503, body);
      return true;
    }
    if (pathname === '/load_balancer_status') {
      const { page, healthy } = await this.loadBalancerStatus();
      // "to check if the replica is healthy and if it should remain on the load balancing pool".
      const code = healthy ? 200 : 503;
      if (query.get('format') === 'json') sendJson(res, code, page);
      else send(res, code, htmlTable(this.id, page), 'text/html');
      return true;
    }
    if (pathname === '/nginx_status') {
      const c = this.counters;
      send(
        res,
        200,
        `Active connections: ${c.active} \nserver accepts handled requests\n ${c.accepted} ${c.handled} ${c.requests} \nReading: 0 Writing: ${c.active} Waiting: 0 \n`,
        'text/plain',
      );
      return true;
    }
    if (pathname === '/ca') {
      send(res, 200, this.ca.certPem, 'application/x-pem-file');
      return true;
    }
    return false;
  }

  async handle(req, res, secure) {
    this.counters.requests++;
    const url = new URL(req.url, 'https://dtr');
    const pathname = url.pathname;
    if (await this.statusRoutes(req, res, pathname, url.searchParams)) return;
    if (!secure) {
      const self = this.self();
      const port = self && self.https_port !== 443 ? `:${self.https_port}` : '';
      res.writeHead(301, {
        Location: `https://${urlHost(hostOf(req.headers.host || self?.address))}${port}${req.url}`,
      });
      return res.end();
    }
    if (pathname === '/v2' || pathname.startsWith('/v2/')) return this.v2(req, res);
    if (pathname === '/auth/token') return this.authToken(req, res, url.searchParams);
    if (pathname.startsWith('/api/v0/')) {
      const auth = await this.authenticate(req);
      if (!auth.user) return sendErrors(res, auth.status, auth.code, auth.message);
      if (pathname === '/api/v0/meta/cluster_status' && req.method === 'GET') {
        return sendJson(res, 200, await this.clusterStatus());
      }
      const repoMatch = /^\/api\/v0\/repositories(?:\/([^/]+))?(?:\/([^/]+))?\/?$/.exec(pathname);
      if (repoMatch) {
        const body = ['POST', 'PATCH'].includes(req.method) ? await readJsonBody(req) : undefined;
        if (body === invalidJson)
          return sendErrors(res, 400, 'INVALID_JSON', 'the request body is not valid JSON');
        const parts = [repoMatch[1], repoMatch[2]].filter((p) => p !== undefined).map(decodeURIComponent);
        return this.repositoryApi(req, res, parts, body, auth.user);
      }
    }
    return sendErrors(res, 404, 'NOT_FOUND', `no route for ${req.method} ${pathname}`);
  }

  async serve() {
    await this.prepare();
    const handler = (secure) => (req, res) =>
      this.handle(req, res, secure).catch((error) => {
        // No quorum: refused as the release refuses writes while its database cannot reach a majority.
        if (error instanceof NoQuorum && !res.headersSent)
          return sendErrors(res, 503, 'UNAVAILABLE', error.message);
        this.logger.error(`${req.method} ${req.url}: ${error.stack || error}`);
        if (!res.headersSent) sendErrors(res, 500, 'INTERNAL_ERROR', reason(error));
        else res.destroy();
      });
    const count = (server) =>
      server.on('connection', (socket) => {
        this.counters.accepted++;
        this.counters.handled++;
        this.counters.active++;
        socket.on('close', () => this.counters.active--);
      });
    const internal = this.internalTls
      ? require('node:tls').createSecureContext({
          key: this.internalTls.keyPem,
          cert: this.internalTls.certPem,
        })
      : null;
    const secureServer = https.createServer(
      {
        key: this.tls.keyPem,
        cert: this.tls.certPem,
        ...(internal
          ? {
              SNICallback: (servername, done) =>
                done(null, servername === names.nginx(this.id) ? internal : undefined),
            }
          : {}),
      },
      handler(true),
    );
    const plainServer = http.createServer(handler(false));
    count(secureServer);
    count(plainServer);
    // Blob uploads can be large and slow: no request timeout.
    secureServer.requestTimeout = 0;
    await new Promise((resolve) => secureServer.listen(443, resolve));
    await new Promise((resolve) => plainServer.listen(80, resolve));
    this.logger.info(`replica ${this.id}: serving HTTPS on :443 and HTTP on :80`);
    const stop = () => {
      secureServer.close();
      plainServer.close(() => process.exit(0));
      setImmediate(() => process.exit(0));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    return new Promise(() => undefined);
  }
}

const invalidJson = Symbol('invalid JSON');

function readJsonBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > 1 << 20) req.destroy(new Error('request body too large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      if (!text.trim()) return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(invalidJson);
      }
    });
    req.on('error', reject);
  });
}

function send(res, status, text, type) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const sendJson = (res, status, value) => send(res, status, `${JSON.stringify(value)}\n`, 'application/json');

/** DTR API errors: {"errors": [{"code", "message"}]}. */
const sendErrors = (res, status, code, message) => sendJson(res, status, { errors: [{ code, message }] });

const noSuchRepository = (res, key) =>
  sendErrors(res, 404, 'NO_SUCH_REPOSITORY', `repository ${key} does not exist`);

/** Registry v2 API errors, with the header docker clients look for. */
function registryError(res, status, code, message, detail) {
  res.setHeader('Docker-Distribution-Api-Version', 'registry/2.0');
  sendJson(res, status, { errors: [{ code, message, detail: detail || null }] });
}

function htmlTable(id, status) {
  const rows = status.servers.server
    .map(
      (s) =>
        `<tr><td>${s.index}</td><td>${s.upstream}</td><td>${s.name}</td><td>${s.status}</td><td>${s.type}</td></tr>`,
    )
    .join('\n');
  return (
    `<!DOCTYPE html><html><head><title>DTR replica ${id}: load balancer status</title></head><body>\n` +
    `<h1>Replica ${id}</h1>\n<table border="1">\n<tr><th>Index</th><th>Upstream</th><th>Name</th><th>Status</th><th>Type</th></tr>\n${rows}\n</table>\n</body></html>\n`
  );
}

module.exports = { Front, hostOf };
