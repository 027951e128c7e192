'use strict';
// The component images the installer starts its product containers from, as a real installer has
// them: one repository per component, next to the installer's own (docker/ucp → docker/ucp-controller),
// with the installer's tag. Install checks every one on the local engine first and pulls the missing
// ones through the Engine API (POST /images/create), as the real one does; in the lab the framework
// tags them as aliases of the stand-in image, so they have the stand-in's own content.
// Shared by both stand-ins (standin-common/ is in the base layer both images are built on).

const { Buffer } = require('node:buffer');
const { Fatal } = require('standin-common/log');

/** Splits `[host[:port]/]path[:tag][@digest]` into { repo, tag, digest } (tag undefined when absent). */
function splitReference(reference) {
  const at = reference.indexOf('@');
  const named = at >= 0 ? reference.slice(0, at) : reference;
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const colon = named.lastIndexOf(':');
  const slash = named.lastIndexOf('/');
  return colon > slash
    ? { repo: named.slice(0, colon), tag: named.slice(colon + 1), digest }
    : { repo: named, tag: undefined, digest };
}

/**
 * The reference of component `name` for the installer run as `own` ({ image: Config.Image of its
 * container, imageId }): the installer's repository with its last path part replaced by `name`, and
 * its tag (`latest` when it has none, as Docker reads it). An installer run by image ID, or by
 * digest only, names no repository or tag to derive from: that fails clearly.
 */
function componentReference(own, name) {
  const image = String(own.image || '');
  const id = String(own.imageId || '').replace(/^sha256:/, '');
  if (!image || image.startsWith('sha256:') || (/^[0-9a-f]+$/.test(image) && id.startsWith(image))) {
    throw new Fatal(
      `This installer was run by image ID (${image || 'none'}), which names no repository or tag for its ` +
        `component images (such as ${name}): run it by its repository and tag (<repo>/<name>:<tag>)`,
    );
  }
  const { repo, tag, digest } = splitReference(image);
  if (digest && tag === undefined) {
    throw new Fatal(
      `This installer was run by digest (${image}), which names no tag for its component images ` +
        `(such as ${name}): run it by its repository and tag (<repo>/<name>:<tag>)`,
    );
  }
  const slash = repo.lastIndexOf('/');
  return `${repo.slice(0, slash + 1)}${name}:${tag === undefined ? 'latest' : tag}`;
}

/** The registry an image lives on, as the engine names it in credentials (Docker Hub's v1 index). */
function registryOf(reference) {
  const first = reference.split('/')[0];
  const isHost =
    reference.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return isHost ? first : 'https://index.docker.io/v1/';
}

/** X-Registry-Auth as the engine decodes it: base64url of the JSON, with its padding. */
function registryAuthHeader(reference, auth) {
  const json = JSON.stringify({
    username: auth.username,
    password: auth.password,
    serveraddress: registryOf(reference),
  });
  return Buffer.from(json).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

const imagePath = (reference) => reference.split('/').map(encodeURIComponent).join('/');

async function imagePresent(engine, reference) {
  const res = await engine.request('GET', `/images/${imagePath(reference)}/json`);
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw new Fatal(`Unable to inspect image ${reference}: HTTP ${res.status} ${res.body.toString().trim()}`);
}

/** The message of a failed pull: an error status's, or the first error line of a 200 stream. */
function pullFailure(res) {
  const text = res.body.toString();
  if (res.status >= 300) {
    try {
      return JSON.parse(text).message || text.trim() || `HTTP ${res.status}`;
    } catch {
      return text.trim() || `HTTP ${res.status}`;
    }
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let event;
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    if (event.error || event.errorDetail)
      return (event.errorDetail && event.errorDetail.message) || event.error;
  }
  return null;
}

/** Pulls one image through the Engine API, with `auth` ({ username, password }) when given. */
async function pullImage(engine, reference, auth) {
  const { repo, tag } = splitReference(reference);
  const headers =
    auth && (auth.username || auth.password)
      ? { 'X-Registry-Auth': registryAuthHeader(reference, auth) }
      : {};
  let failure;
  try {
    const res = await engine.request('POST', '/images/create', { query: { fromImage: repo, tag }, headers });
    failure = pullFailure(res);
  } catch (error) {
    if (error instanceof Fatal) throw error;
    failure = error.message;
  }
  if (failure) throw new Fatal(`Unable to pull image ${reference}: ${String(failure).trim()}`);
}

/**
 * Makes sure every image of `references` is on the engine before anything is created: `pull` is the
 * installer's --pull (`missing`, the default; `always`; `never`, which fails naming the missing ones).
 * Returns the references pulled.
 */
async function ensureComponentImages(engine, references, { pull = 'missing', auth, logger } = {}) {
  const mode = pull || 'missing';
  if (!['missing', 'always', 'never'].includes(mode)) {
    throw new Fatal(`Invalid --pull "${pull}": expected always, missing or never`);
  }
  const pulled = [];
  const missing = [];
  for (const reference of references) {
    if (mode !== 'always' && (await imagePresent(engine, reference))) continue;
    if (mode === 'never') {
      missing.push(reference);
      continue;
    }
    if (logger) logger.info(`Pulling required image ${reference}`);
    await pullImage(engine, reference, auth);
    pulled.push(reference);
  }
  if (missing.length) {
    throw new Fatal(`Image ${missing.join(', ')} is not on this engine, and --pull never does not pull it`);
  }
  return pulled;
}

module.exports = {
  componentReference,
  splitReference,
  registryOf,
  registryAuthHeader,
  ensureComponentImages,
};
