import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { shownCommand, tellNodeCommand } from '../util/node-commands';
import { engineName } from './engine-client';

export interface RunSpec {
  image: string;
  cmd: string[];
  /** Host paths bound into the container, `host:container[:ro]` (the installers need the engine socket). */
  binds?: string[];
  env?: string[];
  name?: string;
  /** Replaces the image's entrypoint. */
  entrypoint?: string[];
  /** `host` to use the machine's own network, as the NFS check does. */
  networkMode?: string;
  labels?: Record<string, string>;
  /** Capabilities beyond Docker's default set (copying files with their `trusted.*` attributes). */
  capAdd?: string[];
  /**
   * A label (`key=value`) the container carries for a task that runs once at a time on an engine (a
   * configuration check, a probe): containers with it that a killed run left behind are removed first.
   */
  task?: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `docker run --rm IMAGE CMD` through dockerode: create, attach, start, wait, collect output, remove.
 * The container is removed even when waiting fails, so an installer never lingers with its flags
 * (which may hold passwords) visible to `docker inspect`.
 */
export async function runToCompletion(docker: Docker, spec: RunSpec): Promise<RunResult> {
  if (spec.name) {
    // A run that died mid-way leaves its installer container behind: it is ours, and in the way.
    await docker
      .getContainer(spec.name)
      .remove({ force: true })
      .catch(() => undefined);
  }
  const labels = { ...spec.labels };
  if (spec.task) {
    const [key, value] = spec.task.split('=');
    labels[key] = value;
    await removeLabelledContainers(docker, spec.task);
  }
  tellNodeCommand({
    node: engineName(docker),
    via: 'docker run',
    command: shownCommand([
      ...(spec.entrypoint ? ['--entrypoint', spec.entrypoint.join(' ')] : []),
      spec.image,
      ...spec.cmd,
    ]),
  });
  const container = await docker.createContainer({
    name: spec.name,
    Image: spec.image,
    Cmd: spec.cmd,
    Entrypoint: spec.entrypoint,
    Env: spec.env,
    Labels: labels,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: { Binds: spec.binds, NetworkMode: spec.networkMode, CapAdd: spec.capAdd },
  });
  try {
    const output = collectOutput(
      docker,
      await container.attach({ stream: true, stdout: true, stderr: true }),
    );
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    // The attach stream can deliver its last bytes just after the exit is reported. The grace timer
    // is cleared once the stream ended: left running, it held the process open for up to 2 s after
    // the last container of a run (Jest's "did not exit one second after the test run").
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([output.ended, new Promise((resolve) => (grace = setTimeout(resolve, 2_000)))]);
    clearTimeout(grace);
    return { code: StatusCode, ...output.text() };
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * Removes (forcibly) every container with `label` (`key=value`), only those in `status` when given:
 * what a killed run left of a task. One already gone meanwhile is no failure.
 */
export async function removeLabelledContainers(
  docker: Docker,
  label: string,
  status?: string[],
): Promise<void> {
  const left = await docker.listContainers({
    all: true,
    filters: { label: [label], ...(status && { status }) },
  });
  await Promise.all(
    left.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

/**
 * Reads an engine's multiplexed stdout/stderr stream as it comes: `ended` settles when the stream
 * does, `text()` is what arrived so far.
 */
export function collectOutput(
  docker: Docker,
  stream: NodeJS.ReadableStream,
): { ended: Promise<void>; text(): { stdout: string; stderr: string } } {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (chunk) => (stdout += chunk));
  err.on('data', (chunk) => (stderr += chunk));
  docker.modem.demuxStream(stream, out, err);
  const ended = new Promise<void>((resolve) => stream.on('end', () => resolve()));
  return { ended, text: () => ({ stdout, stderr }) };
}

/** Writes a command line for people: values of flags named like secrets are masked. */
export function describeCommand(cmd: string[]): string {
  const secret = /password|secret|token|key$/i;
  const shown: string[] = [];
  for (let i = 0; i < cmd.length; i++) {
    const word = cmd[i];
    const eq = word.indexOf('=');
    if (word.startsWith('--') && eq > 0 && secret.test(word.slice(0, eq)))
      shown.push(`${word.slice(0, eq)}=********`);
    else if (word.startsWith('--') && secret.test(word) && i + 1 < cmd.length) {
      shown.push(word, '********');
      i++;
    } else shown.push(word);
  }
  return shown.join(' ');
}
