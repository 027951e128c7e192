import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { secretValues, type Config } from '../config';
import { redactor, REDACTED } from '../diagnostics/redact';
import { clusterStateDir } from '../state/private-files';
import { watchNodeCommands, type NodeCommand } from '../util/node-commands';

/**
 * The value of an argument named like a secret (`--ucp-password X`, `--admin-password=X`,
 * `--secret-key X`): masked whatever it is, also when its value is not one we know.
 */
const SECRET_ARGUMENT =
  /(--?[\w-]*(?:password|passwd|secret|token|passphrase)[\w-]*)(=|\s+)('[^']*'|"[^"]*"|\S+)/gi;

export function maskSecretArguments(text: string): string {
  return text.replace(
    SECRET_ARGUMENT,
    (_all, flag: string, between: string) => `${flag}${between}${REDACTED}`,
  );
}

/** How `--verbose` shows one command: its machine, how it ran there, its first line (secrets removed). */
export function verboseLine(command: NodeCommand, clean: (text: string) => string): string {
  const [first, ...more] = command.command.split('\n');
  const rest = more.filter((line) => line.trim()).length;
  const shown = clean(first.length > 240 ? `${first.slice(0, 237)}...` : first);
  return `     $ ${command.node} (${command.via}): ${shown}${rest ? ` (+${rest} more lines)` : ''}`;
}

/**
 * `--verbose`: every command run on a machine from now on is written with `write`. The secrets of the
 * configuration and the cluster's admin password (read from its file once `up` has made it) are
 * removed from each line, as are the values of arguments named like secrets. Returns how to stop.
 */
export function showNodeCommands(config: Config, write: (line: string) => void): () => void {
  const passwordFile = path.join(clusterStateDir(config.stateDir, config.machinePrefix), 'admin-password');
  let adminPassword: string | undefined;
  let clean = redactor(secretValues(config));
  return watchNodeCommands((command) => {
    if (adminPassword === undefined && !config.admin.password) {
      try {
        adminPassword = readFileSync(passwordFile, 'utf8').trim() || undefined;
        if (adminPassword) clean = redactor(secretValues(config, adminPassword));
      } catch {
        // Not made yet: the commands before UCP's install cannot hold it.
      }
    }
    write(verboseLine(command, (text) => maskSecretArguments(clean(text))));
  });
}
