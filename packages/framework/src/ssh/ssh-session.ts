import { promises as fs } from 'node:fs';
import { NodeSSH } from 'node-ssh';
import type { SshEndpoint } from './ssh-endpoint';
import type { KnownHosts } from './known-hosts';
import { tellNodeCommand } from '../util/node-commands';

export interface SshResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * One SSH connection to one machine, opened on first use and reopened when it drops. The host key is
 * checked against the cluster's known hosts on every connect.
 */
export class SshSession {
  private connection: Promise<NodeSSH> | undefined;

  constructor(
    private readonly machineName: string,
    private readonly endpoint: SshEndpoint,
    private readonly knownHosts: KnownHosts,
  ) {}

  private async connect(readyTimeoutMs = 20_000): Promise<NodeSSH> {
    const client = new NodeSSH();
    const hostVerifier = await this.knownHosts.verifierFor(this.machineName);
    try {
      await client.connect({
        host: this.endpoint.host,
        port: this.endpoint.port,
        username: this.endpoint.user,
        privateKey: await fs.readFile(this.endpoint.privateKeyPath, 'utf8'),
        hostVerifier,
        readyTimeout: readyTimeoutMs,
      });
    } catch (error) {
      const reason = (error as Error).message;
      const hint = /verification failed|Host denied/i.test(reason)
        ? ` (the host key of ${this.machineName} changed since it was recorded: was the machine replaced?)`
        : '';
      throw new Error(
        `ssh to ${this.machineName} (${this.endpoint.user}@${this.endpoint.host}:${this.endpoint.port}) failed: ${reason}${hint}`,
      );
    }
    client.connection?.on('close', () => (this.connection = undefined));
    client.connection?.on('error', () => (this.connection = undefined));
    return client;
  }

  private async client(): Promise<NodeSSH> {
    if (!this.connection) {
      this.connection = this.connect();
      this.connection.catch(() => (this.connection = undefined));
    }
    return this.connection;
  }

  /** Runs a shell command; the result carries the exit code, it does not throw on non-zero. */
  async run(command: string, options: { stdin?: string } = {}): Promise<SshResult> {
    const client = await this.client();
    tellNodeCommand({ node: this.machineName, via: 'ssh', command });
    const result = await client.execCommand(command, { stdin: options.stdin });
    return { stdout: result.stdout, stderr: result.stderr, code: result.code ?? -1 };
  }

  /** Like run, but a non-zero exit is an error that names the machine and shows stderr. */
  async check(command: string, options: { stdin?: string } = {}): Promise<SshResult> {
    const result = await this.run(command, options);
    if (result.code !== 0) {
      const tail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
      throw new Error(
        `on ${this.machineName}: \`${firstLine(command)}\` exited with ${result.code}: ${tail}`,
      );
    }
    return result;
  }

  /** Writes a file on the machine through the command channel (no SFTP server needed). */
  async writeFile(remotePath: string, content: string, mode = 0o600): Promise<void> {
    const dir = remotePath.replace(/\/[^/]*$/, '') || '/';
    const octal = mode.toString(8);
    await this.check(
      `umask 077 && mkdir -p '${dir}' && cat > '${remotePath}.tmp' && chmod ${octal} '${remotePath}.tmp' && mv '${remotePath}.tmp' '${remotePath}'`,
      { stdin: content },
    );
  }

  /** Resolves once the machine accepts an SSH login, trying again until the deadline. */
  async waitUntilReachable(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: Error | undefined;
    while (Date.now() < deadline) {
      try {
        this.connection = this.connect(Math.max(2_000, Math.min(10_000, deadline - Date.now())));
        await this.connection;
        return;
      } catch (error) {
        this.connection = undefined;
        lastError = error as Error;
        if (/changed since it was recorded/.test(lastError.message)) throw lastError;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    throw lastError ?? new Error(`ssh to ${this.machineName} did not answer within ${timeoutMs} ms`);
  }

  dispose(): void {
    const pending = this.connection;
    this.connection = undefined;
    void pending?.then((client) => client.dispose()).catch(() => undefined);
  }
}

function firstLine(command: string): string {
  const line = command.split('\n')[0];
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
