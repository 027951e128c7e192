import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { readTextIfExists, writePrivateFile } from '../state/private-files';

/**
 * Host keys recorded per machine when the framework first meets it (at creation for machines it
 * creates), and checked on every later connection: no blanket StrictHostKeyChecking=no.
 */
export class KnownHosts {
  private readonly file: string;
  private entries: Record<string, string> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(clusterDir: string) {
    this.file = path.join(clusterDir, 'ssh', 'known_hosts.json');
  }

  static fingerprint(key: Buffer): string {
    return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
  }

  private async load(): Promise<Record<string, string>> {
    if (!this.entries) {
      const text = await readTextIfExists(this.file);
      this.entries = text ? (JSON.parse(text) as Record<string, string>) : {};
    }
    return this.entries;
  }

  /** Forget a machine's key: it was just (re)created, so it has a new one. */
  async forget(machine: string): Promise<void> {
    const entries = await this.load();
    if (!(machine in entries)) return;
    delete entries[machine];
    await this.save();
  }

  /**
   * A verifier for one connection: trusts and records the first key seen for a machine it has no
   * record of, and afterwards accepts only that key.
   */
  async verifierFor(machine: string): Promise<(key: Buffer) => boolean> {
    const entries = await this.load();
    return (key: Buffer) => {
      const seen = KnownHosts.fingerprint(key);
      const recorded = entries[machine];
      if (recorded === undefined) {
        entries[machine] = seen;
        void this.save();
        return true;
      }
      return recorded === seen;
    };
  }

  async recorded(machine: string): Promise<string | undefined> {
    return (await this.load())[machine];
  }

  private async save(): Promise<void> {
    const snapshot = JSON.stringify(this.entries ?? {}, null, 2);
    this.writing = this.writing.then(() => writePrivateFile(this.file, `${snapshot}\n`));
    await this.writing;
  }

  /** Waits for pending writes (tests and the CLI call it before exiting). */
  async flush(): Promise<void> {
    await this.writing;
  }
}
