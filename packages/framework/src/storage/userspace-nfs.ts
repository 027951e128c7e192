import type { Machine } from '../machines/machine';
import { labSharedDir } from '../lab/layout';
import { runToCompletion } from '../engine/run-to-completion';

/**
 * The lab has no kernel NFS, so its replicas share a volume instead; but the server side of the
 * NFS server setup is still checked for real: NFS-Ganesha (userspace NFSv4) exports the shared
 * registry directory from the controller, and libnfs's client on a replica writes a file through it,
 * which must then be in that directory.
 */
export const nfsServerContainer = 'nfs-ganesha';
export const nfsPort = 12049;
const exportedDir = `${labSharedDir}/dtr-registry`;

/** Runs (or keeps) the NFS-Ganesha container on the controller, exporting to the replicas' addresses. */
export async function ensureUserspaceNfsServer(
  controller: Machine,
  image: string,
  clients: string[],
): Promise<boolean> {
  const docker = controller.getClient();
  const existing = await docker
    .getContainer(nfsServerContainer)
    .inspect()
    .catch(() => undefined);
  if (
    existing?.State.Running &&
    existing.Config.Image === image &&
    existing.Args.join(',') === clients.join(',')
  ) {
    return false;
  }
  if (existing) await docker.getContainer(nfsServerContainer).remove({ force: true });
  const container = await docker.createContainer({
    name: nfsServerContainer,
    Image: image,
    Cmd: clients,
    Env: [`NFS_PORT=${nfsPort}`],
    Labels: { 'dtr-ha.role': 'nfs-server' },
    HostConfig: {
      // On the node's own address, as nfs-kernel-server would be.
      NetworkMode: 'host',
      Binds: [`${exportedDir}:/export`],
      // Ganesha's VFS backend opens files by handle (name_to_handle_at/open_by_handle_at): that needs
      // CAP_DAC_READ_SEARCH, and Docker's default seccomp profile refuses those calls.
      CapAdd: ['DAC_READ_SEARCH'],
      SecurityOpt: ['seccomp=unconfined'],
      RestartPolicy: { Name: 'unless-stopped' },
    },
  });
  await container.start();
  return true;
}

/** A replica writes a file over NFSv4 to the controller's export; it must land in the shared directory. */
export async function verifyUserspaceNfs(controller: Machine, client: Machine, image: string): Promise<void> {
  const probe = `.dtr-ha-nfs-probe-${client.name}`;
  const url = `nfs://${controller.getIP()}/export/${probe}?version=4&nfsport=${nfsPort}`;
  let last = '';
  // Ganesha takes a few seconds to start serving after its container starts.
  for (let attempt = 0; attempt < 30; attempt++) {
    const result = await runToCompletion(client.getClient(), {
      image,
      cmd: ['-c', `printf '%s' "${client.name}" > /tmp/probe && nfs-cp /tmp/probe '${url}'`],
      entrypoint: ['sh'],
      networkMode: 'host',
      task: 'dtr-ha.task=nfs-probe',
    });
    if (result.code === 0) {
      const seen = await controller.ssh(`cat ${exportedDir}/${probe} && rm -f ${exportedDir}/${probe}`);
      if (seen.code === 0 && seen.stdout === client.name) return;
      throw new Error(
        `NFS check: ${client.name} wrote ${url}, but ${exportedDir}/${probe} on ${controller.name} does not hold it`,
      );
    }
    last = (result.stderr || result.stdout).trim();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`NFS check: ${client.name} could not write to ${url}: ${last}`);
}
