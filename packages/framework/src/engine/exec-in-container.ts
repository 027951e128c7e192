import type Docker from 'dockerode';
import { collectOutput, type RunResult } from './run-to-completion';

/**
 * `docker exec CONTAINER CMD` through the engine API: runs `cmd` in a running container (no shell
 * unless `cmd` starts one) and returns its exit code and output once it exited. Non-zero exits are
 * returned, not thrown; a command that may hang should bound itself (e.g. `timeout 10 …`).
 */
export async function execInContainer(docker: Docker, container: string, cmd: string[]): Promise<RunResult> {
  const exec = await docker
    .getContainer(container)
    .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const output = collectOutput(docker, await exec.start({ hijack: true, stdin: false }));
  // The stream ends when the command exits; only then does inspect know its exit code.
  await output.ended;
  const { ExitCode } = await exec.inspect();
  return { code: ExitCode ?? -1, ...output.text() };
}
