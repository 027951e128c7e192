import pLimit from 'p-limit';
import { prepareHost, type HostContext } from '../../host-preparation';
import { SshSession } from '../../../ssh/ssh-session';
import type {
  EnsureResult,
  FoundMachine,
  MachineSpec,
  Progress,
  Provider,
  ProviderCapabilities,
  ProviderLog,
} from '../../types';
import type { ProviderRegistration } from '../registration';
import { genericSshSettings, type GenericDriverConfig } from './generic-flags';

export interface GenericOptions extends HostContext {
  prefix: string;
  /** GENERIC_MACHINE_LIST, in order: the first is the controller. */
  hosts: string[];
  /** From MACHINE_CREATE_FLAGS: --generic-ssh-user, --generic-ssh-key, --generic-ssh-port. */
  ssh: GenericDriverConfig;
}

/** The hosts are the user's: never deleted, so never removed for being beyond NUM_MACHINES. */
const genericCapabilities: ProviderCapabilities = {
  ownsMachines: false,
  storage: 'nfs',
  extraImages: [],
};

/**
 * Existing hosts reached over SSH (docker-machine's generic driver, done by the framework itself):
 * Docker must be installed; the framework gives each engine TLS with the cluster's certificates.
 */
export class GenericProvider implements Provider {
  readonly name = 'generic';
  readonly capabilities = genericCapabilities;

  constructor(private readonly options: GenericOptions) {}

  private endpoint(host: string) {
    const { sshUser, sshKeyPath, sshPort } = this.options.ssh;
    return { host, port: sshPort, user: sshUser, privateKeyPath: sshKeyPath };
  }

  async list(): Promise<FoundMachine[]> {
    return genericMachines(this.options.prefix, this.options.hosts);
  }

  async ensure(specs: MachineSpec[], progress: Progress = () => undefined): Promise<EnsureResult> {
    if (specs.length !== this.options.hosts.length) {
      throw new Error(
        `GENERIC_MACHINE_LIST has ${this.options.hosts.length} hosts but ${specs.length} machines are wanted`,
      );
    }
    const limit = pLimit(8);
    const actions: EnsureResult['actions'] = {};
    const machines = await Promise.all(
      specs.map((spec, i) =>
        limit(async () => {
          const host = this.options.hosts[i];
          const record = await prepareHost(
            spec,
            { ip: host, providerId: host, ssh: this.endpoint(host) },
            this.options,
          );
          actions[spec.name] = 'reused';
          progress(`${spec.name} ready (${host})`);
          return record;
        }),
      ),
    );
    return { machines, actions };
  }

  /** Hosts are not ours to delete: removing undoes the engine setup and forgets their host keys. */
  async remove(names?: string[]): Promise<string[]> {
    const removed: string[] = [];
    await Promise.all(
      this.options.hosts.map(async (host, i) => {
        const name = `${this.options.prefix}-${i + 1}`;
        if (names && !names.includes(name)) return;
        const ssh = new SshSession(name, this.endpoint(host), this.options.knownHosts);
        try {
          await ssh.check(
            'rm -rf /etc/docker/dtr-ha /etc/systemd/system/docker.service.d/10-dtr-ha.conf && ' +
              '(systemctl daemon-reload && systemctl restart docker) || true',
          );
        } finally {
          ssh.dispose();
        }
        await this.options.knownHosts.forget(name);
        removed.push(name);
      }),
    );
    return removed;
  }

  async collectLogs(): Promise<ProviderLog[]> {
    return [];
  }
}

/** The hosts as machines: their state is unknown until they are reached. */
function genericMachines(prefix: string, hosts: string[]): FoundMachine[] {
  return hosts.map((host, i) => ({ name: `${prefix}-${i + 1}`, state: 'unknown', providerId: host }));
}

/** MACHINE_DRIVER=generic. */
export const genericHosts: ProviderRegistration = {
  capabilities: genericCapabilities,
  find: async (config) => genericMachines(config.machinePrefix, config.genericMachineList),
  configure: (config) => {
    const ssh = genericSshSettings(config);
    return (context) =>
      new GenericProvider({
        prefix: config.machinePrefix,
        hosts: config.genericMachineList,
        ssh,
        tls: context.tls,
        knownHosts: context.knownHosts,
      });
  },
  describe: (config) => {
    const { sshUser, sshPort, sshKeyPath } = genericSshSettings(config);
    return {
      numMachinesDefault: 'or the number of hosts in GENERIC_MACHINE_LIST',
      hosts: config.genericMachineList,
      derived: [['generic SSH', `${sshUser}@<host>:${sshPort}, key ${sshKeyPath}`]],
    };
  },
};
