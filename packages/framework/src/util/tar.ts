import { pack } from 'tar-stream';

/** A tar archive holding one file (and its parent directories, mode 0700), for dockerode's putArchive. */
export async function tarSingleFile(
  name: string,
  content: string | Buffer,
  mode: number,
  directories: string[] = [],
): Promise<Buffer> {
  const archive = pack();
  for (const dir of directories) archive.entry({ name: dir, type: 'directory', mode: 0o700 });
  archive.entry({ name, mode }, content);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
