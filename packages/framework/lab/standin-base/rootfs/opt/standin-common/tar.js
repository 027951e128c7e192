'use strict';
// Just enough of the ustar format for both stand-ins: the Engine API's archive endpoints (docker cp),
// through which the UCP installer writes the controller's state into its volumes before the first
// start and reads files back from a container (the CA for `fingerprint`, the instance for `id`), and
// the DTR installer's `backup` (a tar on stdout) and `restore` (a tar on stdin).

const { Buffer } = require('node:buffer');

function header(name, size, mode, type) {
  const block = Buffer.alloc(512);
  if (Buffer.byteLength(name) > 99) throw new Error(`tar: name too long: ${name}`);
  block.write(name, 0);
  block.write(`${mode.toString(8).padStart(7, '0')}\0`, 100);
  block.write('0000000\0', 108); // uid
  block.write('0000000\0', 116); // gid
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  block.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
  );
  block.write('        ', 148); // checksum placeholder
  block.write(type, 156);
  block.write('ustar\0', 257);
  block.write('00', 263);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

/** entries: [{ name, content?: string|Buffer, mode?, dir?: true }] → a tar archive. */
function pack(entries) {
  const parts = [];
  for (const entry of entries) {
    if (entry.dir) {
      parts.push(header(entry.name.replace(/\/?$/, '/'), 0, entry.mode || 0o755, '5'));
      continue;
    }
    const content = Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content || '');
    parts.push(header(entry.name, content.length, entry.mode || 0o644, '0'), content);
    const pad = (512 - (content.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** The regular files of a tar archive: [{ name, content }] (pax/GNU extension headers skipped). */
function unpack(archive) {
  const files = [];
  for (let offset = 0; offset + 512 <= archive.length;) {
    const block = archive.subarray(offset, offset + 512);
    if (block.every((b) => b === 0)) break;
    const name = block.subarray(0, 100).toString().replace(/\0.*$/s, '');
    const prefix = block.subarray(345, 500).toString().replace(/\0.*$/s, '');
    const size = parseInt(block.subarray(124, 136).toString().replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(block[156] || 48);
    const start = offset + 512;
    if (type === '0' || type === '\0') {
      files.push({
        name: prefix ? `${prefix}/${name}` : name,
        content: archive.subarray(start, start + size),
      });
    }
    offset = start + Math.ceil(size / 512) * 512;
  }
  return files;
}

module.exports = { pack, unpack };
