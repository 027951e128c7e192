'use strict';
// The long-running controller of the UCP stand-in (the `ucp-controller` container that install
// leaves behind). HTTPS with the server certificate install made, on port 443 of the container
// (published on --controller-port). Endpoints:
//   GET    /_ping              200 "OK"                                       (no auth)
//   GET    /ca                 the cluster root CA, PEM                        (no auth)
//   POST   /auth/login         {username, password} → 200 {auth_token} | 401   (no auth)
//   GET    /api/nodes          the nodes of the cluster                        (admin: Bearer token or Basic)
//   POST   /api/nodes          {name, address, engine_id} → 201 {id, token, instance_id}   (admin; used by 1.1 join)
//   DELETE /api/nodes/{id}     204 (admin, or the node's own X-Ucp-Node-Token; used by 1.1 uninstall)
//   GET    /api/id             {id}: the instance ID                           (admin)
//   POST   /api/networks       {name, labels} → 201 | 200 {id, name, driver, scope, attachable, created}
//                              (admin; 3.x only): an attachable overlay network, made idempotently
//                              through the manager's engine (the DTR 2.7 stand-in asks for dtr-ol)
// /api/nodes and /api/networks are the stand-in's own API (the DTR stand-in reads the nodes to place
// replicas, and has its overlay made, as the real DTR does through UCP's Docker API), not UCP's.
// UCP 1.1 (`nodes_from: 'joins'`): the nodes are the controller and what `join` recorded.
// UCP 3.x (`nodes_from: 'swarm'`): the nodes are the swarm's (engine GET /nodes over the socket
// install binds in); nodes join with `docker swarm join`, so POST/DELETE are not there.
// State lives in the controller's volumes: the admin account only as a salted scrypt hash.

const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const path = require('node:path');
const { Buffer } = require('node:buffer');
const { URL } = require('node:url');
const { setTimeout: delay } = require('node:timers/promises');
const { Engine } = require('standin-common/engine');
const state = require('./state');

const dirs = Object.fromEntries(
  Object.entries(state.mounts).map(([, dir]) => [dir, path.join(state.stateRoot, dir)]),
);
const files = {
  ca: path.join(dirs['cluster-root-ca'], 'ca.pem'),
  cert: path.join(dirs['controller-server-certs'], 'cert.pem'),
  key: path.join(dirs['controller-server-certs'], 'key.pem'),
  instance: path.join(dirs.kv, 'instance.json'),
  accounts: path.join(dirs.kv, 'accounts.json'),
  nodes: path.join(dirs.kv, 'nodes.json'),
};

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

function writeJson(file, value) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

const tokenTtlMs = 60 * 60 * 1000;

function serve(logger) {
  const instance = readJson(files.instance);
  const caPem = fs.readFileSync(files.ca, 'utf8');
  const tokens = new Map();

  const send = (res, status, body, type = 'application/json') => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
  const error = (res, status, code, message) => send(res, status, { errors: [{ code, message }] });

  const readBody = (req) =>
    new Promise((resolve, reject) => {
      const chunks = [];
      let size = 0;
      req.on('data', (c) => {
        size += c.length;
        if (size > 65536) req.destroy(new Error('request body too large'));
        else chunks.push(c);
      });
      req.on('end', () => {
        try {
          resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {});
        } catch {
          reject(Object.assign(new Error('invalid JSON'), { status: 400 }));
        }
      });
      req.on('error', reject);
    });

  const checkPassword = (username, password) => {
    const accounts = readJson(files.accounts);
    return (
      Object.prototype.hasOwnProperty.call(accounts, username) &&
      state.verifyPassword(accounts[username], password)
    );
  };

  /** The admin behind a request (Bearer token from /auth/login, or Basic), or null. */
  const authenticate = (req) => {
    const header = req.headers.authorization || '';
    const [scheme, value] = header.split(' ');
    if (/^bearer$/i.test(scheme) && value) {
      const entry = tokens.get(value);
      if (entry && entry.expires > Date.now()) return entry.username;
      tokens.delete(value);
      return null;
    }
    if (/^basic$/i.test(scheme) && value) {
      const decoded = Buffer.from(value, 'base64').toString();
      const colon = decoded.indexOf(':');
      if (colon > 0 && checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1)))
        return decoded.slice(0, colon);
    }
    return null;
  };

  const publicNode = (node) => ({
    id: node.id,
    name: node.name,
    address: node.address,
    role: node.role,
    engine_id: node.engine_id,
    joined_at: node.joined_at,
  });

  const fromSwarm = instance.nodes_from === 'swarm';
  const engine = fromSwarm ? new Engine(state.engineSocket) : null;

  /** 3.x: the swarm's nodes, as `docker node ls` has them. */
  const swarmNodes = async () => {
    const nodes = await engine.call('GET', '/nodes', {}, 'docker node ls');
    return nodes.map((node) => {
      const manager = node.ManagerStatus && node.ManagerStatus.Addr;
      // A manager's Status.Addr can be 0.0.0.0; its ManagerStatus.Addr (host:2377) is then the address.
      const address =
        node.Status && node.Status.Addr && node.Status.Addr !== '0.0.0.0'
          ? node.Status.Addr
          : manager
            ? manager.replace(/:\d+$/, '')
            : '';
      return {
        id: node.ID,
        name: node.Description && node.Description.Hostname,
        address,
        role: node.Spec && node.Spec.Role,
        state: node.Status && node.Status.State,
        availability: node.Spec && node.Spec.Availability,
        joined_at: node.CreatedAt,
      };
    });
  };

  /** What the DTR stand-in learns of a network. */
  const networkAnswer = (network, created) => ({
    id: network.Id,
    name: network.Name,
    driver: network.Driver,
    scope: network.Scope,
    attachable: Boolean(network.Attachable),
    labels: network.Labels || {},
    created,
  });

  let networkQueue = Promise.resolve();
  /**
   * 3.x: an attachable overlay network `name` on the swarm, made through the manager's engine unless
   * it exists (one at a time, so two joins asking at once get one network). A network of that name
   * that is not an attachable overlay is a conflict (409).
   */
  const ensureOverlay = (body) => {
    const run = async () => {
      const name = body.name;
      // Right after it is made, the swarm's network can show no driver yet (the allocator fills it in):
      // ask again for a while until it does.
      const find = async () => {
        for (let attempt = 0; ; attempt++) {
          const res = await engine.request('GET', `/networks/${encodeURIComponent(name)}`);
          if (res.status !== 200) return null;
          const found = JSON.parse(res.body.toString());
          if (found.Driver || attempt >= 50) return found;
          await delay(200);
        }
      };
      let network = await find();
      let created = false;
      if (!network) {
        const labels = body.labels && typeof body.labels === 'object' ? body.labels : {};
        const res = await engine.request('POST', '/networks/create', {
          json: {
            Name: name,
            Driver: 'overlay',
            Attachable: true,
            CheckDuplicate: true,
            Labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])),
          },
        });
        if (res.status >= 300 && res.status !== 409) {
          throw Object.assign(new Error(`create network ${name}: ${res.body.toString().trim()}`), {
            status: 502,
          });
        }
        created = res.status < 300;
        network = await find();
        if (!network) throw Object.assign(new Error(`network ${name} was not created`), { status: 502 });
        if (created) logger.info(`created the attachable overlay network ${name} (${network.Id})`);
      }
      if (network.Driver !== 'overlay' || !network.Attachable) {
        throw Object.assign(
          new Error(
            `network ${name} exists as ${network.Driver}${network.Attachable ? '' : ', not attachable'}: not an attachable overlay`,
          ),
          { status: 409 },
        );
      }
      return networkAnswer(network, created);
    };
    const result = networkQueue.then(run, run);
    networkQueue = result.catch(() => undefined);
    return result;
  };

  const routes = async (req, res) => {
    const url = new URL(req.url, 'https://ucp');
    const route = `${req.method} ${url.pathname.replace(/\/+$/, '') || '/'}`;
    if (route === 'GET /_ping') return send(res, 200, 'OK', 'text/plain');
    if (route === 'GET /ca') return send(res, 200, caPem, 'application/x-pem-file');
    if (route === 'POST /auth/login') {
      const body = await readBody(req);
      if (typeof body.username !== 'string' || typeof body.password !== 'string') {
        return error(res, 400, 'INVALID_REQUEST', 'username and password are required');
      }
      if (!checkPassword(body.username, body.password)) {
        logger.info(`failed login for "${body.username}" from ${req.socket.remoteAddress}`);
        return error(res, 401, 'UNAUTHORIZED', 'invalid username or password');
      }
      const token = crypto.randomBytes(24).toString('hex');
      tokens.set(token, { username: body.username, expires: Date.now() + tokenTtlMs });
      return send(res, 200, { auth_token: token });
    }

    const nodeMatch = /^DELETE \/api\/nodes\/([^/]+)$/.exec(route);
    if (nodeMatch && !fromSwarm) {
      const nodes = readJson(files.nodes);
      const node = nodes.find((n) => n.id === nodeMatch[1]);
      if (!node) return error(res, 404, 'NOT_FOUND', `no node ${nodeMatch[1]}`);
      const nodeToken = req.headers['x-ucp-node-token'];
      const byNode = typeof nodeToken === 'string' && node.token_hash === state.tokenHash(nodeToken);
      if (!byNode && !authenticate(req)) return error(res, 401, 'UNAUTHORIZED', 'authentication required');
      if (node.role === 'controller')
        return error(res, 409, 'CONFLICT', 'the controller node cannot be removed');
      writeJson(
        files.nodes,
        nodes.filter((n) => n.id !== node.id),
      );
      logger.info(`node ${node.name} (${node.address}) left`);
      res.writeHead(204);
      return res.end();
    }

    if (route.startsWith('GET /api/') || route.startsWith('POST /api/')) {
      if (!authenticate(req)) return error(res, 401, 'UNAUTHORIZED', 'authentication required');
      if (route === 'GET /api/nodes')
        return send(res, 200, fromSwarm ? await swarmNodes() : readJson(files.nodes).map(publicNode));
      if (route === 'GET /api/id') return send(res, 200, { id: instance.id });
      if (route === 'POST /api/networks' && fromSwarm) {
        const body = await readBody(req);
        if (typeof body.name !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/.test(body.name)) {
          return error(res, 400, 'INVALID_REQUEST', 'a network name is required');
        }
        try {
          const network = await ensureOverlay(body);
          return send(res, network.created ? 201 : 200, network);
        } catch (err) {
          if (err.status === 409) return error(res, 409, 'CONFLICT', err.message);
          return error(res, 502, 'ENGINE_ERROR', err.message);
        }
      }
      if (route === 'POST /api/nodes' && !fromSwarm) {
        const body = await readBody(req);
        if (
          typeof body.name !== 'string' ||
          !body.name ||
          typeof body.address !== 'string' ||
          !body.address
        ) {
          return error(res, 400, 'INVALID_REQUEST', 'name and address are required');
        }
        const nodes = readJson(files.nodes);
        const same = nodes.find((n) => n.name === body.name);
        if (same && same.role === 'controller') {
          return error(res, 409, 'CONFLICT', `${body.name} is the controller node`);
        }
        const token = crypto.randomBytes(24).toString('hex');
        const node = {
          id: crypto.randomUUID(),
          name: body.name,
          address: body.address,
          role: 'worker',
          engine_id: body.engine_id,
          joined_at: new Date().toISOString(),
          token_hash: state.tokenHash(token),
        };
        // A node that joins again (after a fresh install of its engine) replaces its old record.
        writeJson(files.nodes, [...nodes.filter((n) => n.name !== body.name), node]);
        logger.info(`node ${node.name} (${node.address}) joined`);
        return send(res, 201, { ...publicNode(node), token, instance_id: instance.id });
      }
    }
    return error(res, 404, 'NOT_FOUND', `no route for ${req.method} ${url.pathname}`);
  };

  const server = https.createServer(
    { key: fs.readFileSync(files.key), cert: fs.readFileSync(files.cert) },
    (req, res) => {
      routes(req, res).catch((err) => {
        if (!res.headersSent)
          error(res, err.status || 500, err.status ? 'INVALID_REQUEST' : 'INTERNAL_ERROR', err.message);
        else res.destroy();
      });
    },
  );
  server.listen(443, () => logger.info(`UCP controller ${instance.id} serving on :443`));
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return new Promise(() => undefined);
}

module.exports = { serve };
