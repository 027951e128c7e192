/**
 * Docker multiplexes stdout/stderr frames (8-byte headers) in the logs of a container without a TTY:
 * the text without them. Text that has none (a TTY's logs) passes through.
 */
export function demux(buffer: Buffer): string {
  const chunks: Buffer[] = [];
  let offset = 0;
  while (
    offset + 8 <= buffer.length &&
    (buffer[offset] === 1 || buffer[offset] === 2) &&
    buffer.readUIntBE(offset + 1, 3) === 0
  ) {
    const size = buffer.readUInt32BE(offset + 4);
    chunks.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return offset === 0 ? buffer.toString('utf8') : Buffer.concat(chunks).toString('utf8');
}
