import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, expandHome, type Config } from '../../../config';

/**
 * The docker-machine generic driver's SSH settings, read from MACHINE_CREATE_FLAGS by the generic
 * provider (the configuration keeps only the words: each provider reads its own flags).
 */
export interface GenericDriverConfig {
  sshUser: string;
  /** Absolute; checked to exist and be readable. */
  sshKeyPath: string;
  sshPort: number;
}

const GENERIC_FLAGS = ['--generic-ssh-user', '--generic-ssh-key', '--generic-ssh-port'] as const;
type GenericFlag = (typeof GENERIC_FLAGS)[number];

/** Reads the generic driver's SSH flags, in both `--flag value` and `--flag=value` forms. */
export function parseGenericFlags(words: readonly string[]): {
  values: Partial<Record<GenericFlag, string>>;
  errors: string[];
} {
  const values: Partial<Record<GenericFlag, string>> = {};
  const errors: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    for (const flag of GENERIC_FLAGS) {
      let value: string | undefined;
      if (word === flag) {
        const next = words[i + 1];
        if (next === undefined || next.startsWith('--')) {
          errors.push(`${flag} needs a value`);
          break;
        }
        value = next;
        i += 1;
      } else if (word.startsWith(`${flag}=`)) {
        value = word.slice(flag.length + 1);
        if (value === '') {
          errors.push(`${flag} needs a value`);
          break;
        }
      } else {
        continue;
      }
      if (values[flag] !== undefined) errors.push(`${flag} is given more than once`);
      values[flag] = value;
      break;
    }
  }
  return { values, errors };
}

const DEFAULT_SSH_KEY = '~/.ssh/id_rsa';

/**
 * The generic driver's SSH settings from the configuration: `--generic-ssh-user` (default `root`),
 * `--generic-ssh-key` (default `~/.ssh/id_rsa`, resolved against the configuration's `cwd` and `home`,
 * must be a readable file) and `--generic-ssh-port` (default 22). Other words are left alone. Throws
 * one ConfigError naming MACHINE_CREATE_FLAGS with every problem.
 */
export function genericSshSettings(
  config: Pick<Config, 'machineCreateFlags' | 'cwd' | 'home'>,
): GenericDriverConfig {
  const problems: string[] = [];
  const parsed = parseGenericFlags(config.machineCreateFlags);
  problems.push(...parsed.errors);
  const sshUser = parsed.values['--generic-ssh-user'] ?? 'root';
  if (!/^[a-zA-Z_][a-zA-Z0-9_.-]{0,31}$/.test(sshUser)) {
    problems.push(`--generic-ssh-user ${JSON.stringify(sshUser)} is not a valid user name`);
  }
  const portText = parsed.values['--generic-ssh-port'] ?? '22';
  const sshPort = parsePort(portText);
  if (sshPort === undefined) {
    problems.push(
      `--generic-ssh-port ${JSON.stringify(portText)} is not a port (a whole number from 1 to 65535)`,
    );
  }
  const keyGiven = parsed.values['--generic-ssh-key'];
  const sshKeyPath = path.resolve(config.cwd, expandHome(keyGiven ?? DEFAULT_SSH_KEY, config.home));
  if (!isReadableFile(sshKeyPath)) {
    problems.push(
      keyGiven === undefined
        ? `the SSH key ${sshKeyPath} (default of --generic-ssh-key) does not exist or is not readable: ` +
            'pass --generic-ssh-key <path>'
        : `the SSH key ${sshKeyPath} (--generic-ssh-key) does not exist or is not readable`,
    );
  }
  // The flags may carry credentials of other drivers: their value is never quoted.
  if (problems.length > 0) {
    throw new ConfigError(problems.map((message) => ({ variable: 'MACHINE_CREATE_FLAGS', message })));
  }
  return { sshUser, sshKeyPath, sshPort: sshPort! };
}

function parsePort(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

function isReadableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
