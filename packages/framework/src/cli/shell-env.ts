import * as path from 'node:path';
import { UsageError } from '../util/failures';

/**
 * What `dtr-ha env <machine>` prints: the shell commands that point a Docker client at one machine's
 * engine, in the form docker-machine's `env` prints them (its commands/env.go), so that
 * `eval $(dtr-ha env NAME)` works as `eval $(docker-machine env NAME)` does, in each shell it knows.
 */
export const SHELLS = ['bash', 'zsh', 'sh', 'fish', 'powershell', 'cmd'] as const;
export type Shell = (typeof SHELLS)[number];

/** The variables, in docker-machine's order. */
export const DOCKER_ENV_NAMES = ['DOCKER_TLS_VERIFY', 'DOCKER_HOST', 'DOCKER_CERT_PATH'] as const;
export type DockerEnv = Record<(typeof DOCKER_ENV_NAMES)[number], string>;

/** The Docker client's variables for a TLS engine at host:port whose ca.pem, cert.pem, key.pem are in certDir. */
export function dockerEnv(host: string, port: number, certDir: string): DockerEnv {
  // An IPv6 address goes in brackets, as in any URL.
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { DOCKER_TLS_VERIFY: '1', DOCKER_HOST: `tcp://${shownHost}:${port}`, DOCKER_CERT_PATH: certDir };
}

/**
 * The shell to print for when --shell is not given: $SHELL's name, as docker-machine's shell.Detect
 * reads it. Without one, or with a shell we have no syntax for, the POSIX form (which bash, zsh, sh,
 * dash and ksh all read), with a note for stderr saying so.
 */
export function detectShell(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): { shell: Shell; note?: string } {
  const name = env.SHELL ? path.basename(env.SHELL) : '';
  if (!name && platform === 'win32') return { shell: 'powershell' };
  if ((SHELLS as readonly string[]).includes(name)) return { shell: name as Shell };
  if (name === 'pwsh') return { shell: 'powershell' };
  if (name === 'dash' || name === 'ksh') return { shell: 'sh' };
  const why = name ? `the shell ${name} is not one dtr-ha knows` : 'SHELL is not set';
  return {
    shell: 'bash',
    note: `${why}: printing for sh/bash; choose another with --shell ${SHELLS.join('|')}`,
  };
}

interface Syntax {
  set(name: string, value: string): string;
  unset(name: string): string;
  /** The comment marker and how to evaluate the command's output, as docker-machine's usage hint. */
  comment: string;
  evaluate(commandLine: string): string;
}

const posix: Syntax = {
  set: (name, value) => `export ${name}="${escapeWith(value, /[\\"$`]/g, '\\')}"\n`,
  unset: (name) => `unset ${name}\n`,
  comment: '#',
  evaluate: (commandLine) => `eval $(${commandLine})`,
};

const syntaxes: Record<Shell, Syntax> = {
  bash: posix,
  zsh: posix,
  sh: posix,
  fish: {
    set: (name, value) => `set -gx ${name} "${escapeWith(value, /[\\"$]/g, '\\')}";\n`,
    unset: (name) => `set -e ${name};\n`,
    comment: '#',
    evaluate: (commandLine) => `eval (${commandLine})`,
  },
  powershell: {
    set: (name, value) => `$Env:${name} = "${escapeWith(value, /[`"$]/g, '`')}"\n`,
    unset: (name) => `Remove-Item Env:\\\\${name}\n`,
    comment: '#',
    evaluate: (commandLine) => `& ${commandLine} | Invoke-Expression`,
  },
  cmd: {
    // cmd has no quoting that survives `FOR /f … DO @%i`: a value with its special characters is refused.
    set: (name, value) => {
      if (/[%!^&|<>"]/.test(value)) {
        throw new UsageError(
          `${name} would be ${value}, which cmd cannot take as it is (it holds one of % ! ^ & | < > "): ` +
            'choose a DTR_HA_STATE_DIR without them',
        );
      }
      return `SET ${name}=${value}\n`;
    },
    unset: (name) => `SET ${name}=\n`,
    comment: 'REM',
    evaluate: (commandLine) => `\t@FOR /f "tokens=*" %i IN ('${commandLine}') DO @%i`,
  },
};

function escapeWith(value: string, special: RegExp, escape: string): string {
  // A newline would end the command early in every one of these shells.
  if (/[\r\n]/.test(value))
    throw new UsageError(`cannot print a value with a line break for a shell: ${JSON.stringify(value)}`);
  return value.replace(special, (c) => `${escape}${c}`);
}

/** docker-machine's closing comment: how to run the command so that the shell takes its output. */
export function usageHint(shell: Shell, commandLine: string): string {
  const { comment, evaluate } = syntaxes[shell];
  // The space after the colon is docker-machine's.
  return `${comment} Run this command to configure your shell: \n${comment} ${evaluate(commandLine)}\n`;
}

/** The commands that set the variables, then the usage hint. */
export function renderEnv(shell: Shell, env: DockerEnv, commandLine: string): string {
  const syntax = syntaxes[shell];
  return DOCKER_ENV_NAMES.map((name) => syntax.set(name, env[name])).join('') + usageHint(shell, commandLine);
}

/** `--unset`: the commands that remove the variables again, then the usage hint. */
export function renderUnset(shell: Shell, commandLine: string): string {
  const syntax = syntaxes[shell];
  return DOCKER_ENV_NAMES.map((name) => syntax.unset(name)).join('') + usageHint(shell, commandLine);
}

/**
 * The command line as the user would type it again: `npx dtr-ha` when npx ran it (npm says so in
 * npm_command), else `dtr-ha`, then the arguments, each quoted for a POSIX shell when it needs it.
 */
export function commandLineOf(args: readonly string[], env: NodeJS.ProcessEnv): string {
  const program = env.npm_command === 'exec' ? 'npx dtr-ha' : 'dtr-ha';
  const quoted = args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`));
  return [program, ...quoted].join(' ');
}
