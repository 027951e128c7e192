'use strict';
// Names and formats of the UCP stand-in's state, shared by the installer and the controller.

const crypto = require('node:crypto');
const { Buffer } = require('node:buffer');

const volumes = {
  rootCa: 'ucp-cluster-root-ca',
  serverCerts: 'ucp-controller-server-certs',
  kv: 'ucp-kv',
  // On a joined node: which controller it joined, its node ID and the token that lets it leave.
  nodeCerts: 'ucp-node-certs',
};

/** Where the controller container mounts its volumes (under `stateRoot`). */
const stateRoot = '/var/lib/ucp';
const mounts = {
  [volumes.rootCa]: 'cluster-root-ca',
  [volumes.serverCerts]: 'controller-server-certs',
  [volumes.kv]: 'kv',
};

const controllerName = 'ucp-controller';
/** The engine's socket, as the installer has it mounted and as it binds it into the 3.x controller. */
const engineSocket = '/var/run/docker.sock';
const instanceLabel = 'com.docker.ucp.InstanceID';
const roleLabel = 'com.docker.ucp.role';

/** An ID in the form UCP shows (`docker info` of a swarm): 12 groups of 4 base32 characters. */
function newInstanceId() {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = crypto.randomBytes(48);
  const chars = [...bytes].map((b) => alphabet[b % 32]);
  return Array.from({ length: 12 }, (_, i) => chars.slice(i * 4, i * 4 + 4).join('')).join(':');
}

const scryptParams = { N: 16384, r: 8, p: 1 };

/** An account record: the password is kept only as a salted scrypt hash. */
function hashPassword(password) {
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(password, salt, 32, scryptParams);
  return { algorithm: 'scrypt', ...scryptParams, salt: salt.toString('hex'), hash: hash.toString('hex') };
}

function verifyPassword(record, password) {
  if (!record || record.algorithm !== 'scrypt' || typeof password !== 'string') return false;
  const expected = Buffer.from(record.hash, 'hex');
  const actual = crypto.scryptSync(password, Buffer.from(record.salt, 'hex'), expected.length, {
    N: record.N,
    r: record.r,
    p: record.p,
  });
  return crypto.timingSafeEqual(expected, actual);
}

const tokenHash = (token) => crypto.createHash('sha256').update(token).digest('hex');

module.exports = {
  volumes,
  stateRoot,
  mounts,
  controllerName,
  engineSocket,
  instanceLabel,
  roleLabel,
  newInstanceId,
  hashPassword,
  verifyPassword,
  tokenHash,
};
