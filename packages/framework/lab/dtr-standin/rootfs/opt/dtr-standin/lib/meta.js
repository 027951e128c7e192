'use strict';
// What the DTR stand-in's replicas share on the storage every replica has (NFS, or the lab's shared
// volume): a `dtr-meta/` folder at the root of the registry volume (`dtr-registry-<replica-id>`,
// mounted at /storage), next to the registry's own `docker/` tree. Only what install makes once and
// every replica reads is here; the metadata that must be consistent (the replica list, the external
// URL, the repositories) is in the replicated store, etcd (store.js), under quorum.
//   dtr-meta/http-secret         the registry HTTP secret every replica's registry uses
//   dtr-meta/ca/ca.pem, ca-key.pem   the DTR CA; each replica's front signs its own server cert with it
//   dtr-meta/ca/internal.pem, internal-key.pem   with a certificate given at install (--dtr-cert),
//                                the CA of the certificates replicas show each other over dtr-ol (for
//                                the name dtr-nginx-<id>, which a given certificate does not name)
//   dtr-meta/ca/store-ca*.pem    the store's CA, when the DTR CA was given without its key (store.js)
//   dtr-meta/token/signing.pem, signing-key.pem   the registry token signing key (token.js): every
//                                replica's front signs tokens with it, every replica's registry trusts it
//   dtr-meta/store-members.json  where the store's members are: how an installer finds one (store.js)
//   dtr-meta/health/<id>         written by each replica's health check (storage is writable)
// Writers take dtr-meta/.lock (an atomic mkdir, which holds across nodes on one shared filesystem).

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: delay } = require('node:timers/promises');

const storageRoot = process.env.DTR_STORAGE_ROOT || '/storage';
const metaDir = path.join(storageRoot, 'dtr-meta');
const files = {
  httpSecret: path.join(metaDir, 'http-secret'),
  caCert: path.join(metaDir, 'ca', 'ca.pem'),
  caKey: path.join(metaDir, 'ca', 'ca-key.pem'),
  serverCert: path.join(metaDir, 'ca', 'server.pem'),
  serverKey: path.join(metaDir, 'ca', 'server-key.pem'),
  internalCaCert: path.join(metaDir, 'ca', 'internal.pem'),
  internalCaKey: path.join(metaDir, 'ca', 'internal-key.pem'),
  lock: path.join(metaDir, '.lock'),
  health: (id) => path.join(metaDir, 'health', id),
};

/** Writes a file whole or not at all (temporary file + rename), so readers never see half of it. */
function writeFileAtomic(file, content, mode = 0o600) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, content, { mode });
  fs.renameSync(tmp, file);
}

/** Runs `fn` holding the metadata lock; a lock older than `staleMs` was left by a crash and is broken. */
async function withLock(fn, { timeoutMs = 30000, staleMs = 60000 } = {}) {
  fs.mkdirSync(metaDir, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(files.lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const age = Date.now() - (fs.statSync(files.lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > staleMs) {
        fs.rmSync(files.lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`the DTR metadata lock ${files.lock} is held for too long`);
      await delay(100 + Math.random() * 100);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(files.lock, { recursive: true, force: true });
  }
}

/** The cluster's CA: { certPem, keyPem } for a CA DTR made, { certPem } for one given with --dtr-ca. */
function readCa() {
  try {
    const certPem = fs.readFileSync(files.caCert, 'utf8');
    const keyPem = fs.existsSync(files.caKey) ? fs.readFileSync(files.caKey, 'utf8') : undefined;
    return { certPem, keyPem };
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
}

function writeCa(ca) {
  writeFileAtomic(files.caCert, ca.certPem, 0o644);
  if (ca.keyPem) writeFileAtomic(files.caKey, ca.keyPem, 0o600);
  else fs.rmSync(files.caKey, { force: true });
}

/** A certificate and its key kept in two files: { certPem, keyPem }, or null when absent. */
function readPemPair(certFile, keyFile) {
  try {
    return { certPem: fs.readFileSync(certFile, 'utf8'), keyPem: fs.readFileSync(keyFile, 'utf8') };
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
}

/** Writes a certificate and its key (the key first), or removes both for null. */
function writePemPair(certFile, keyFile, pair) {
  if (!pair) {
    fs.rmSync(certFile, { force: true });
    fs.rmSync(keyFile, { force: true });
    return;
  }
  writeFileAtomic(keyFile, pair.keyPem, 0o600);
  writeFileAtomic(certFile, pair.certPem, 0o644);
}

/** The certificate every replica serves when one was given with --dtr-cert/--dtr-key, else null. */
const readServerCert = () => readPemPair(files.serverCert, files.serverKey);
const writeServerCert = (cert) => writePemPair(files.serverCert, files.serverKey, cert);

/**
 * The internal CA (a given certificate's cluster only): { certPem, keyPem }, or null. Each replica's
 * front signs with it the certificate for dtr-nginx-<id> it shows other replicas over dtr-ol.
 */
const readInternalCa = () => readPemPair(files.internalCaCert, files.internalCaKey);
const writeInternalCa = (ca) => writePemPair(files.internalCaCert, files.internalCaKey, ca);

/** The CAs a replica's probe of another trusts: the DTR CA, and the internal CA when there is one. */
function trustedCas() {
  const ca = readCa();
  const internal = readInternalCa();
  return [ca && ca.certPem, internal && internal.certPem].filter(Boolean);
}

/** The dtr-meta/ files of `names` (paths relative to it) that exist: { name: Buffer }. */
function readMetaFiles(names) {
  const found = {};
  for (const name of names) {
    try {
      found[name] = fs.readFileSync(path.join(metaDir, name));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
  }
  return found;
}

/** Writes dtr-meta/ files ({ relative path: content }): keys and secrets 0600, certificates 0644. */
function writeMetaFiles(files) {
  for (const [name, content] of Object.entries(files)) {
    const secret = /key|secret/.test(path.basename(name));
    writeFileAtomic(path.join(metaDir, name), content, secret ? 0o600 : 0o644);
  }
}

function readHttpSecret() {
  try {
    return fs.readFileSync(files.httpSecret, 'utf8').trim();
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
}

const writeHttpSecret = (secret) => writeFileAtomic(files.httpSecret, `${secret}\n`);

module.exports = {
  storageRoot,
  metaDir,
  files,
  withLock,
  readCa,
  writeCa,
  readServerCert,
  writeServerCert,
  readInternalCa,
  writeInternalCa,
  trustedCas,
  readHttpSecret,
  writeHttpSecret,
  writeFileAtomic,
  readMetaFiles,
  writeMetaFiles,
};
