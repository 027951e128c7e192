import type Docker from 'dockerode';
import { engineClient, nameEngine } from '../engine/engine-client';
import type { KnownHosts } from '../ssh/known-hosts';
import { SshSession, type SshResult } from '../ssh/ssh-session';
import type { MachineRecord, MachineRole } from './types';

/**
 * A machine of the cluster as tests see it (what a test calls a machine): its name and role, its IP, a shell
 * over SSH, and a Docker client over verified TLS.
 */
export class Machine {
  readonly name: string;
  readonly role: MachineRole;
  private readonly session: SshSession;
  private client: Docker | undefined;

  constructor(
    readonly record: MachineRecord,
    knownHosts: KnownHosts,
  ) {
    this.name = record.name;
    this.role = record.role;
    this.session = new SshSession(record.name, record.ssh, knownHosts);
  }

  getIP(): string {
    return this.record.ip;
  }

  /** Runs a shell command on the machine over SSH. Non-zero exits are returned, not thrown. */
  ssh(command: string, options: { stdin?: string } = {}): Promise<SshResult> {
    return this.session.run(command, options);
  }

  /** Writes a file on the machine (mode 0600 unless told otherwise). */
  upload(remotePath: string, content: string, mode?: number): Promise<void> {
    return this.session.writeFile(remotePath, content, mode);
  }

  /** The machine's Docker engine over TLS that verifies its certificate against the cluster CA. */
  getClient(): Docker {
    if (!this.client) {
      this.client = engineClient(this.record.engine);
      nameEngine(this.client, this.name);
    }
    return this.client;
  }

  /** The SSH session, for framework code that wants checked commands. */
  get shell(): SshSession {
    return this.session;
  }

  /** Closes the SSH connection so the process can exit. */
  dispose(): void {
    this.session.dispose();
  }
}
