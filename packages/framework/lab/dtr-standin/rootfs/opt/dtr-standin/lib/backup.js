'use strict';
// What a DTR stand-in backup holds, and how `restore` reads it back: a tar archive, as both releases'
// backup pages say ("a tar file … streamed to stdout"), laid out under one folder named as the 2.7
// backup guide's listing shows (ee/dtr/admin/disaster-recovery/create-a-backup.md: dtr-backup-v<version>/):
//
//   dtr-backup-v<line>.0/manifest.json         what this is: the release, the cluster, the replica it was
//                                              read through, the store revision, what it holds
//   dtr-backup-v<line>.0/etcd/cluster.json     the cluster document (/dtr/cluster): its configuration
//   dtr-backup-v<line>.0/rethink/repositories.json   every repository (/dtr/repositories/…), as
//                                              [{ key, value }]: the repository metadata (left out with
//                                              DTR 2.0's --config-only)
//   dtr-backup-v<line>.0/meta/…                the certificates and keys (dtr-meta/ on the shared
//                                              storage): the CAs, a given server certificate, the
//                                              registry HTTP secret, the token signing key
//
// The names follow DTR 2.0's split (configuration "stored on etcd", repository metadata "stored on
// RethinkDB": datacenter/dtr/2.0/reference/restore.md); the stand-in keeps both in its etcd.
// Never in a backup: the images (the registry's docker/ tree on the shared storage), each replica's
// health file, the store members' addresses (store-members.json) and the store's own CA, which a
// restored cluster makes anew with its store. A backup holds private keys: the installer writes it
// on stdout only, never into a log.

const path = require('node:path');
const { Buffer } = require('node:buffer');
const { Fatal } = require('standin-common/log');
const tar = require('standin-common/tar');

const format = 'dtr-standin-backup';
const version = 1;

/** The archive's one folder for a release line ('2.0' → 'dtr-backup-v2.0.0'). */
const topDir = (line) => `dtr-backup-v${line}.0`;

/** The files of dtr-meta/ a backup carries, relative to it (the others are made again, or per replica). */
const metaFiles = [
  'http-secret',
  'ca/ca.pem',
  'ca/ca-key.pem',
  'ca/server.pem',
  'ca/server-key.pem',
  'ca/internal.pem',
  'ca/internal-key.pem',
  'token/signing.pem',
  'token/signing-key.pem',
];

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * The archive of a backup: `manifest` (release line, cluster ID, replica, store revision, config
 * only), `cluster` (the cluster document), `repositories` ([{ key, value }], ignored when
 * manifest.config_only) and `meta` ({ relative path: content } of dtr-meta/).
 */
function pack({ manifest, cluster, repositories, meta }) {
  const top = topDir(manifest.release);
  const entries = [
    { name: top, dir: true },
    {
      name: `${top}/manifest.json`,
      content: json({
        format,
        version,
        ...manifest,
        contents: [
          'etcd/cluster.json',
          ...(manifest.config_only ? [] : ['rethink/repositories.json']),
          ...Object.keys(meta).map((file) => `meta/${file}`),
        ],
      }),
    },
    { name: `${top}/etcd`, dir: true },
    { name: `${top}/etcd/cluster.json`, content: json(cluster) },
  ];
  if (!manifest.config_only) {
    entries.push(
      { name: `${top}/rethink`, dir: true },
      { name: `${top}/rethink/repositories.json`, content: json(repositories) },
    );
  }
  const dirs = new Set(Object.keys(meta).map((file) => path.posix.dirname(`meta/${file}`)));
  for (const dir of [...dirs].sort()) entries.push({ name: `${top}/${dir}`, dir: true, mode: 0o700 });
  for (const [file, content] of Object.entries(meta)) {
    entries.push({ name: `${top}/meta/${file}`, content, mode: 0o600 });
  }
  return tar.pack(entries);
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch {
    throw new Fatal(`The backup is damaged: ${what} is not JSON`);
  }
}

/**
 * Reads a backup made by `pack` for release `line`; refuses anything else with one line that says
 * what it is not: { manifest, cluster, repositories, meta }.
 */
function unpack(archive, line) {
  if (!archive.length) {
    throw new Fatal(
      'restore reads the backup on its standard input, and got nothing: run it with -i and the backup ' +
        'redirected to it (docker run -i --rm docker/dtr restore [command options] < backup.tar)',
    );
  }
  let files;
  try {
    files = tar.unpack(Buffer.from(archive));
  } catch {
    files = [];
  }
  const manifestFile = files.find((f) => /^dtr-backup-v[^/]+\/manifest\.json$/.test(f.name));
  if (!manifestFile) {
    throw new Fatal('The standard input is not a DTR backup (a tar archive made by docker/dtr backup)');
  }
  const top = path.posix.dirname(manifestFile.name);
  const manifest = parseJson(manifestFile.content.toString(), 'manifest.json');
  if (manifest.format !== format || manifest.version !== version) {
    throw new Fatal(
      `The standard input is not a backup this DTR reads (${top}/manifest.json: format ${JSON.stringify(manifest.format)}, version ${JSON.stringify(manifest.version)})`,
    );
  }
  if (manifest.release !== line) {
    throw new Fatal(
      `This is a backup of DTR ${manifest.release}, and this is DTR ${line}: restore it with the release that made it`,
    );
  }
  const read = (name) => files.find((f) => f.name === `${top}/${name}`);
  const clusterFile = read('etcd/cluster.json');
  if (!clusterFile) throw new Fatal('The backup is damaged: it has no etcd/cluster.json');
  const cluster = parseJson(clusterFile.content.toString(), 'etcd/cluster.json');
  const repositoriesFile = read('rethink/repositories.json');
  if (!manifest.config_only && !repositoriesFile) {
    throw new Fatal('The backup is damaged: it has no rethink/repositories.json');
  }
  const repositories = repositoriesFile
    ? parseJson(repositoriesFile.content.toString(), 'rethink/repositories.json')
    : [];
  const meta = {};
  for (const file of metaFiles) {
    const found = read(`meta/${file}`);
    if (found) meta[file] = found.content;
  }
  return { manifest, cluster, repositories, meta };
}

module.exports = { pack, unpack, topDir, metaFiles, format, version };
