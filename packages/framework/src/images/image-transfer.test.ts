import { Readable } from 'node:stream';
import { extract, pack } from 'tar-stream';
import { withoutEntries } from './image-transfer';

async function archive(entries: Record<string, string>): Promise<Buffer> {
  const packed = pack();
  for (const [name, body] of Object.entries(entries)) packed.entry({ name, mode: 0o640, uid: 7 }, body);
  packed.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of packed) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function entries(stream: Readable): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on('entry', (header, body, next) => {
      const parts: Buffer[] = [];
      body.on('data', (part) => parts.push(part as Buffer));
      body.on('end', () => {
        found[`${header.name} ${header.mode?.toString(8)} ${header.uid}`] = Buffer.concat(parts).toString();
        next();
      });
    });
    reader.on('finish', resolve);
    reader.on('error', reject);
    stream.on('error', reject);
  });
  stream.pipe(reader as unknown as NodeJS.WritableStream);
  await done;
  return found;
}

test('withoutEntries drops exactly the named entries and keeps the others whole', async () => {
  const big = 'x'.repeat(300_000);
  const source = await archive({
    'aaa/layer.tar': big,
    'aaa/json': '{}',
    'bbb/layer.tar': 'top layer',
    'blobs/sha256/ccc': 'blob',
    'manifest.json': '[]',
  });
  const kept = await entries(
    withoutEntries(Readable.from([source]), new Set(['aaa/layer.tar', 'blobs/sha256/ccc'])),
  );
  expect(kept).toEqual({
    'aaa/json 640 7': '{}',
    'bbb/layer.tar 640 7': 'top layer',
    'manifest.json 640 7': '[]',
  });
});

test('a broken archive fails the filtered stream', async () => {
  const source = await archive({ 'a/layer.tar': 'x'.repeat(10_000) });
  const broken = new Readable({ read() {} });
  broken.push(source.subarray(0, 600));
  setImmediate(() => broken.destroy(new Error('save broke off')));
  await expect(entries(withoutEntries(broken, new Set()))).rejects.toThrow();
});
