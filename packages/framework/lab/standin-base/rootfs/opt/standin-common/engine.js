'use strict';
// A small Docker Engine API client over the mounted socket (/var/run/docker.sock), with Node's `http`
// only: the stand-ins carry no docker CLI and no npm packages. Paths are unversioned, so the engine
// answers in its own API version, as the real installers' clients negotiate.

const http = require('node:http');
const fs = require('node:fs');
const os = require('node:os');
const { Buffer } = require('node:buffer');
const { setTimeout: delay } = require('node:timers/promises');
const { Fatal } = require('./log');

class EngineError extends Error {
  constructor(status, message, what) {
    super(`${what}: ${message}`);
    this.statusCode = status;
  }
}

class Engine {
  constructor(socketPath = process.env.DOCKER_SOCKET || '/var/run/docker.sock') {
    this.socketPath = socketPath;
  }

  /** One request; resolves to { status, headers, body: Buffer } (or the response stream with stream: true). */
  request(method, path, options = {}) {
    return new Promise((resolve, reject) => {
      const query = options.query
        ? '?' +
          Object.entries(options.query)
            .filter(([, v]) => v !== undefined)
            .map(
              ([k, v]) =>
                `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'object' ? JSON.stringify(v) : String(v))}`,
            )
            .join('&')
        : '';
      const headers = { ...(options.headers || {}) };
      let payload;
      if (options.json !== undefined) {
        payload = Buffer.from(JSON.stringify(options.json));
        headers['Content-Type'] = 'application/json';
      } else if (options.body !== undefined) {
        payload = options.body;
      }
      if (payload) headers['Content-Length'] = payload.length;
      const req = http.request(
        { socketPath: this.socketPath, method, path: path + query, headers },
        (res) => {
          if (options.stream && res.statusCode < 300) return resolve(res);
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', (error) =>
        reject(
          error.code === 'ENOENT' || error.code === 'EACCES'
            ? new Fatal(
                `Cannot reach the Docker engine at ${this.socketPath} (${error.code}): ` +
                  'run with -v /var/run/docker.sock:/var/run/docker.sock',
              )
            : error,
        ),
      );
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** A request whose non-2xx answer throws; the JSON body (or null) otherwise. */
  async call(method, path, options = {}, what = `${method} ${path}`) {
    const res = await this.request(method, path, options);
    if (options.stream && !res.body) return res;
    if (res.status >= 300 && !(options.allow || []).includes(res.status)) {
      let message = res.body.toString().trim();
      try {
        message = JSON.parse(message).message || message;
      } catch {
        // not JSON: keep the text
      }
      throw new EngineError(res.status, message || `HTTP ${res.status}`, what);
    }
    if (options.raw) return res;
    const text = res.body.toString();
    return text ? JSON.parse(text) : null;
  }

  info() {
    return this.call('GET', '/info');
  }

  async inspectContainer(name) {
    const res = await this.request('GET', `/containers/${encodeURIComponent(name)}/json`);
    if (res.status === 404) return null;
    if (res.status >= 300)
      throw new EngineError(res.status, res.body.toString(), `inspect container ${name}`);
    return JSON.parse(res.body.toString());
  }

  listContainers(filters = {}, all = true) {
    return this.call('GET', '/containers/json', { query: { all: all ? 1 : 0, filters } });
  }

  createContainer(name, spec) {
    return this.call(
      'POST',
      '/containers/create',
      { query: { name }, json: spec },
      `create container ${name}`,
    );
  }

  startContainer(id) {
    return this.call('POST', `/containers/${encodeURIComponent(id)}/start`, { allow: [304] }, `start ${id}`);
  }

  killContainer(id) {
    return this.call(
      'POST',
      `/containers/${encodeURIComponent(id)}/kill`,
      { allow: [404, 409] },
      `kill ${id}`,
    );
  }

  removeContainer(id, { force = true, volumes = true } = {}) {
    return this.call(
      'DELETE',
      `/containers/${encodeURIComponent(id)}`,
      { query: { force: force ? 1 : 0, v: volumes ? 1 : 0 }, allow: [404] },
      `remove container ${id}`,
    );
  }

  async waitContainer(id) {
    const result = await this.call('POST', `/containers/${encodeURIComponent(id)}/wait`, {}, `wait ${id}`);
    return result.StatusCode;
  }

  /** Follows a container's output, demultiplexed onto `stdout`/`stderr`, until it ends. */
  async followLogs(id, stdout, stderr) {
    const res = await this.request('GET', `/containers/${encodeURIComponent(id)}/logs`, {
      query: { follow: 1, stdout: 1, stderr: 1 },
      stream: true,
    });
    if (!res.on) throw new EngineError(res.status, res.body.toString(), `logs of ${id}`);
    // Our containers never have a TTY, so the stream is multiplexed: 8-byte headers, 1 = stdout, 2 = stderr.
    let pending = Buffer.alloc(0);
    await new Promise((resolve, reject) => {
      res.on('data', (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 8) {
          const size = pending.readUInt32BE(4);
          if (pending.length < 8 + size) break;
          (pending[0] === 2 ? stderr : stdout).write(pending.subarray(8, 8 + size));
          pending = pending.subarray(8 + size);
        }
      });
      res.on('end', resolve);
      res.on('error', reject);
    });
  }

  /** Logs of a finished container as text (stdout and stderr together). */
  async logsText(id) {
    const res = await this.call(
      'GET',
      `/containers/${encodeURIComponent(id)}/logs`,
      { query: { stdout: 1, stderr: 1 }, raw: true },
      `logs of ${id}`,
    );
    let buf = res.body;
    let text = '';
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      text += buf.subarray(8, 8 + size).toString();
      buf = buf.subarray(8 + size);
    }
    return text;
  }

  /**
   * Runs a container to its end: create, start, stream its output (when `stdout`/`stderr` are given),
   * wait, remove. Resolves to { code, output, collected } (output only when not streamed).
   * `hooks.beforeStart(id)` runs between create and start (to copy files in), `hooks.afterExit(id,
   * code)` after it ended and before it is removed (to copy files out): `collected` is what it returned.
   */
  async runToCompletion(name, spec, streams, hooks = {}) {
    await this.removeContainer(name);
    const created = await this.createContainer(name, spec);
    try {
      if (hooks.beforeStart) await hooks.beforeStart(created.Id);
      await this.startContainer(created.Id);
      if (streams) {
        await this.followLogs(created.Id, streams.stdout, streams.stderr);
      }
      const code = await this.waitContainer(created.Id);
      const output = streams ? '' : await this.logsText(created.Id);
      const collected = hooks.afterExit ? await hooks.afterExit(created.Id, code) : undefined;
      return { code, output, collected };
    } finally {
      await this.removeContainer(created.Id).catch(() => undefined);
    }
  }

  putArchive(id, path, tar) {
    return this.call(
      'PUT',
      `/containers/${encodeURIComponent(id)}/archive`,
      { query: { path }, body: tar, headers: { 'Content-Type': 'application/x-tar' } },
      `copy into ${id}:${path}`,
    );
  }

  async getArchive(id, path) {
    const res = await this.request('GET', `/containers/${encodeURIComponent(id)}/archive`, {
      query: { path },
    });
    if (res.status === 404) return null;
    if (res.status >= 300) throw new EngineError(res.status, res.body.toString(), `copy from ${id}:${path}`);
    return res.body;
  }

  async inspectVolume(name) {
    const res = await this.request('GET', `/volumes/${encodeURIComponent(name)}`);
    if (res.status === 404) return null;
    if (res.status >= 300) throw new EngineError(res.status, res.body.toString(), `inspect volume ${name}`);
    return JSON.parse(res.body.toString());
  }

  createVolume(name, labels = {}) {
    return this.call(
      'POST',
      '/volumes/create',
      { json: { Name: name, Labels: labels } },
      `create volume ${name}`,
    );
  }

  async listVolumes(filters = {}) {
    const result = await this.call('GET', '/volumes', { query: { filters } });
    return result.Volumes || [];
  }

  /** Removes a volume, retrying a few times while a just-removed container still holds it. */
  async removeVolume(name) {
    for (let attempt = 0; ; attempt++) {
      const res = await this.request('DELETE', `/volumes/${encodeURIComponent(name)}`);
      if (res.status < 300 || res.status === 404) return;
      if (res.status === 409 && attempt < 10) {
        await delay(500);
        continue;
      }
      throw new EngineError(res.status, res.body.toString().trim(), `remove volume ${name}`);
    }
  }

  async inspectNetwork(name) {
    const res = await this.request('GET', `/networks/${encodeURIComponent(name)}`);
    if (res.status === 404) return null;
    if (res.status >= 300) throw new EngineError(res.status, res.body.toString(), `inspect network ${name}`);
    return JSON.parse(res.body.toString());
  }

  async ensureNetwork(name, labels = {}) {
    if (await this.inspectNetwork(name)) return;
    const res = await this.request('POST', '/networks/create', {
      json: { Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: labels },
    });
    // Two installers racing: the loser sees a conflict, and the network exists either way.
    if (res.status >= 300 && res.status !== 409) {
      throw new EngineError(res.status, res.body.toString(), `create network ${name}`);
    }
  }

  /** Removes a network when no container uses it any more. */
  async removeNetworkIfUnused(name) {
    const network = await this.inspectNetwork(name);
    if (!network || Object.keys(network.Containers || {}).length) return false;
    const res = await this.request('DELETE', `/networks/${encodeURIComponent(name)}`);
    return res.status < 300;
  }

  /**
   * The image this process runs from, as its container was started (`Config.Image`): found through
   * the container's hostname (its short ID by default) or, failing that, the container ID in the
   * cgroup path. The installers start their helper containers from the same image.
   */
  async ownImage() {
    const candidates = [os.hostname()];
    try {
      const cgroup = fs.readFileSync('/proc/self/cgroup', 'utf8');
      const match = /[0-9a-f]{64}/.exec(cgroup);
      if (match) candidates.push(match[0]);
    } catch {
      // no cgroup file: only the hostname
    }
    for (const candidate of candidates) {
      const self = await this.inspectContainer(candidate).catch((error) => {
        if (error instanceof Fatal) throw error;
        return null;
      });
      if (self) return { image: self.Config.Image, imageId: self.Image, containerId: self.Id };
    }
    throw new Fatal(
      'Cannot find the container this installer runs in: run it with `docker run` on the engine',
    );
  }
}

module.exports = { Engine, EngineError };
