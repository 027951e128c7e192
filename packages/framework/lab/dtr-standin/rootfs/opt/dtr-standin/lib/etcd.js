'use strict';
// A small client of etcd 3.4's v3 API through its JSON gateway (POST /v3/kv/range, /v3/kv/txn, …):
// keys and values are base64, 64-bit numbers are strings. Over HTTPS with a client certificate (the
// members run with --client-cert-auth). Every range is linearizable (etcd's default: the member
// confirms with a quorum that it is current) and every write goes through the Raft log, so without a
// quorum both fail: etcd answers "etcdserver: request timed out" after several seconds, and this
// client gives up sooner (`timeout`) with a NoQuorum error naming what it saw.

const { Buffer } = require('node:buffer');
const { URL } = require('node:url');
const { setTimeout: delay } = require('node:timers/promises');
const { request } = require('standin-common/client');

const b64 = (text) => Buffer.from(text).toString('base64');
const unb64 = (text) => Buffer.from(text || '', 'base64').toString();

/** The store could not serve a linearizable request: no quorum, or its member is not reachable. */
class NoQuorum extends Error {
  constructor(message) {
    super(message);
    this.name = 'NoQuorum';
  }
}

/** etcd refused the request itself (a bad request, an unknown member): not a matter of quorum. */
class EtcdError extends Error {}

/** The end of a prefix range: the prefix with its last byte incremented. */
function prefixEnd(prefix) {
  const bytes = Buffer.from(prefix);
  bytes[bytes.length - 1]++;
  return bytes.toString('base64');
}

class Etcd {
  /**
   * @param endpoints client URLs (https://host:2379), tried in order until one answers
   * @param tls { ca, cert, key } PEMs: the store CA, and a client certificate it signed
   */
  constructor(endpoints, tls, { timeout = 4000 } = {}) {
    this.endpoints = endpoints;
    this.tls = tls;
    this.timeout = timeout;
  }

  post(endpoint, path, body, timeout) {
    const { ca, cert, key } = this.tls;
    return request(new URL(path, endpoint).href, { method: 'POST', json: body, ca, cert, key, timeout });
  }

  /**
   * One call, on the first endpoint that answers; NoQuorum when none gives a usable answer. Reads
   * (ranges, the member list) are tried again within `timeout` while the store is unavailable, so a
   * leader election (about a second) does not fail them; a write is tried once, since one that
   * failed with "leader changed" may still have been applied.
   */
  async call(path, body, { timeout = this.timeout } = {}) {
    const retry = path === '/v3/kv/range' || path === '/v3/cluster/member/list';
    const deadline = Date.now() + timeout;
    for (;;) {
      const failures = await this.attempt(path, body, Math.max(500, deadline - Date.now()));
      if (!Array.isArray(failures)) return failures;
      if (!retry || Date.now() + 200 >= deadline) {
        throw new NoQuorum(`the metadata store has no quorum (${failures.join('; ')})`);
      }
      await delay(200);
    }
  }

  /** The answer of the first endpoint that gives one, or the list of why none did. */
  async attempt(path, body, timeout) {
    const failures = [];
    for (const endpoint of this.endpoints) {
      let res;
      try {
        res = await this.post(endpoint, path, body, timeout);
      } catch (error) {
        failures.push(`${new URL(endpoint).host}: ${error.code ? `${error.code}: ` : ''}${error.message}`);
        continue;
      }
      if (res.status === 200 && res.json) return res.json;
      const message = (res.json && (res.json.error || res.json.message)) || res.text.trim();
      // Timeouts, lost leaders and stopping members are the store being unavailable; anything else
      // (bad requests, unknown members, a refused reconfiguration) is an answer.
      if (res.status >= 500 || /timed out|leader|no quorum|stopped|unavailable|not capable/i.test(message)) {
        failures.push(`${new URL(endpoint).host}: ${message}`);
        continue;
      }
      throw new EtcdError(`etcd ${path}: HTTP ${res.status} ${message}`);
    }
    return failures;
  }

  /** The value (parsed JSON) and mod revision of `key`, or { value: null } — linearizable. */
  async get(key) {
    const res = await this.call('/v3/kv/range', { key: b64(key) });
    const kv = res.kvs && res.kvs[0];
    if (!kv) return { value: null, modRevision: '0' };
    return { value: JSON.parse(unb64(kv.value)), modRevision: kv.mod_revision };
  }

  /** Every key under `prefix`: { key: value } (parsed JSON) — linearizable. */
  async list(prefix) {
    const { kvs } = await this.snapshot(prefix);
    return Object.fromEntries(kvs.map(({ key, value }) => [key, value]));
  }

  /**
   * Every key under `prefix` in one linearizable range, so all of them at one revision (what a backup
   * holds): { revision, kvs: [{ key, value }] } (values parsed JSON), in key order.
   */
  async snapshot(prefix) {
    const res = await this.call('/v3/kv/range', { key: b64(prefix), range_end: prefixEnd(prefix) });
    return {
      revision: res.header && res.header.revision,
      kvs: (res.kvs || []).map((kv) => ({ key: unb64(kv.key), value: JSON.parse(unb64(kv.value)) })),
    };
  }

  /**
   * Puts every { key, value } (a restore's keys): a transaction per 100 keys, below etcd's default
   * --max-txn-ops of 128.
   */
  async putAll(entries) {
    for (let i = 0; i < entries.length; i += 100) {
      const success = entries.slice(i, i + 100).map(({ key, value }) => ({
        request_put: { key: b64(key), value: b64(JSON.stringify(value)) },
      }));
      await this.call('/v3/kv/txn', { compare: [], success });
    }
  }

  async put(key, value) {
    await this.call('/v3/kv/put', { key: b64(key), value: b64(JSON.stringify(value)) });
  }

  /**
   * Puts `value` at `key` only if the key's mod revision is still `modRevision` ('0': the key does not
   * exist): true if written, false if someone else changed it first.
   */
  async putIf(key, modRevision, value) {
    const res = await this.call('/v3/kv/txn', {
      compare: [
        {
          key: b64(key),
          target: 'MOD',
          result: 'EQUAL',
          mod_revision: String(modRevision),
        },
      ],
      success: [{ request_put: { key: b64(key), value: b64(JSON.stringify(value)) } }],
    });
    return Boolean(res.succeeded);
  }

  /** Deletes `key` only if its mod revision is still `modRevision`: true if deleted. */
  async deleteIf(key, modRevision) {
    const res = await this.call('/v3/kv/txn', {
      compare: [{ key: b64(key), target: 'MOD', result: 'EQUAL', mod_revision: String(modRevision) }],
      success: [{ request_delete_range: { key: b64(key) } }],
    });
    return Boolean(res.succeeded);
  }

  /** Reads `key`, applies `fn` to its value, writes the result if nothing changed meanwhile (retried). */
  async update(key, fn) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const { value, modRevision } = await this.get(key);
      const next = await fn(value);
      if (next === undefined) return value;
      if (await this.putIf(key, modRevision, next)) return next;
    }
    throw new EtcdError(`etcd: ${key} kept changing while it was updated`);
  }

  // ---- membership ---------------------------------------------------------------------------------

  /** [{ id, name, peerURLs, clientURLs }] (id as a decimal string; name empty until a member starts). */
  async members() {
    const res = await this.call('/v3/cluster/member/list', {});
    return (res.members || []).map((m) => ({
      id: m.ID,
      name: m.name || '',
      peerURLs: m.peerURLs || [],
      clientURLs: m.clientURLs || [],
    }));
  }

  /** Adds a member by its peer URL: the members after the change (the new one without a name yet). */
  async addMember(peerURL) {
    const res = await this.call('/v3/cluster/member/add', { peerURLs: [peerURL] }, { timeout: 10000 });
    return {
      id: res.member && res.member.ID,
      members: (res.members || []).map((m) => ({ id: m.ID, name: m.name || '', peerURLs: m.peerURLs || [] })),
    };
  }

  async removeMember(id) {
    await this.call('/v3/cluster/member/remove', { ID: String(id) }, { timeout: 10000 });
  }

  /**
   * Whether the member at `clientURL` is healthy by its own /health (etcd 3.4: it has a leader and
   * a quorum read through Raft succeeds): { healthy, reason }.
   */
  async memberHealth(clientURL) {
    const { ca, cert, key } = this.tls;
    try {
      const res = await request(new URL('/health', clientURL).href, { ca, cert, key, timeout: 3000 });
      if (res.status === 200 && res.json && res.json.health === 'true') return { healthy: true };
      return { healthy: false, reason: `HTTP ${res.status} ${res.text.trim()}` };
    } catch (error) {
      return { healthy: false, reason: `${error.code ? `${error.code}: ` : ''}${error.message}` };
    }
  }

  /**
   * The reconfiguration check etcd makes with --strict-reconfig-check, on the members' own health
   * instead of its 5 s connection window (the members run without it; store.js says why). `change`
   * is 'add' or { remove: id }. Throws NoQuorum (retried while a cluster forms) with etcd's words
   * when the change would risk the quorum:
   * - add: every member has started and is healthy, so the quorum after the change is on members
   *   that answer;
   * - remove: a member that is down may go; removing one that is up leaves at least a quorum of the
   *   smaller cluster healthy.
   */
  async checkReconfiguration(change) {
    const members = await this.members();
    const health = await Promise.all(
      members.map(async (m) =>
        m.name && m.clientURLs[0]
          ? { member: m, ...(await this.memberHealth(m.clientURLs[0])) }
          : { member: m, healthy: false, reason: 'added but not started' },
      ),
    );
    const down = health.filter((h) => !h.healthy);
    const describe = (list) => list.map((h) => `${h.member.name || h.member.id}: ${h.reason}`).join('; ');
    if (change === 'add') {
      if (down.length) {
        throw new NoQuorum(`etcdserver: unhealthy cluster (members not healthy: ${describe(down)})`);
      }
      return;
    }
    const target = health.find((h) => h.member.id === String(change.remove));
    if (!target || !target.healthy) return;
    // etcd's rule: (active - 1) < 1 + (members - 1) / 2 refuses, a quorum of the smaller cluster.
    const healthy = health.length - down.length;
    const quorumAfter = 1 + Math.floor((members.length - 1) / 2);
    if (healthy - 1 < quorumAfter) {
      throw new NoQuorum(
        `etcdserver: re-configuration failed due to not enough started members (removing a healthy member would leave ${healthy - 1} of ${members.length - 1}${down.length ? `; not healthy: ${describe(down)}` : ''})`,
      );
    }
  }
}

module.exports = { Etcd, NoQuorum, EtcdError };
