import type Docker from 'dockerode';
import { pipeline } from 'node:stream/promises';
import { collectOutput, type RunResult } from './run-to-completion';
import { shownCommand, tellNodeCommand } from '../util/node-commands';
import { engineName } from './engine-client';

/**
 * `docker exec [-i] CONTAINER CMD` through the engine API: runs `cmd` in a running container (no
 * shell unless `cmd` starts one), with `stdin` as its standard input when given, and returns its exit
 * code and output once it exited. Non-zero exits are returned, not thrown; a command that may hang
 * should bound itself (e.g. `timeout 10 …`).
 */
export async function execInContainer(
  docker: Docker,
  container: string,
  cmd: string[],
  stdin?: NodeJS.ReadableStream,
): Promise<RunResult> {
  tellNodeCommand({
    node: engineName(docker),
    via: 'docker exec',
    command: shownCommand([container, ...cmd]),
  });
  const exec = await docker
    .getContainer(container)
    .exec({ Cmd: cmd, AttachStdin: Boolean(stdin), AttachStdout: true, AttachStderr: true });
  const stream = (await exec.start({ hijack: true, stdin: Boolean(stdin) })) as NodeJS.ReadWriteStream;
  const output = collectOutput(docker, stream);
  // The end of the input half-closes the connection: the command reads EOF, its output still arrives.
  const fed = stdin ? pipeline(stdin, stream as NodeJS.WritableStream, { end: true }) : undefined;
  // The stream ends when the command exits; only then does inspect know its exit code.
  await output.ended;
  await fed?.catch(() => undefined);
  const { ExitCode } = await exec.inspect();
  return { code: ExitCode ?? -1, ...output.text() };
}
