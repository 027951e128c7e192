#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  CLI_UNTIL_DEFAULT,
  ConfigError,
  UP_TARGETS,
  describeEnvironment,
  loadConfig,
  type Config,
  type UpTarget,
} from '../config';
import { Machine } from '../machines/machine';
import { providerRegistration } from '../machines/providers';
import { openCluster, toMachines } from '../cluster/cluster-context';
import { adminPassword } from '../cluster/admin-password';
import { collectDiagnostics, diagnosticsDir } from '../diagnostics/collect';
import { diagnosticSecrets } from '../diagnostics/secrets';
import { Faults, providerPower } from '../faults/faults';
import { FaultJournal } from '../faults/fault-journal';
import { findReplicas } from '../products/dtr/dtr';
import { readMachinesFile } from '../cluster/cluster-file';
import { up } from '../cluster/up';
import { down } from '../cluster/teardown';
import { acquireClusterLock, type HeldLock } from '../util/lock';
import { KnownHosts } from '../ssh/known-hosts';
import { clusterStateDir } from '../state/private-files';
import { NotFoundError, UsageError } from '../util/failures';
import { labHostChecks, type CheckResult } from '../machines/providers/local-lab/host-checks';
import { probeHostEngine } from '../engine/host-engine';
import { doctorOutcome, renderChecks } from './doctor-output';
import { colorsOn } from './terminal';
import { clusterStatus } from '../cluster/cluster-status';
import { listClusters } from '../cluster/cluster-list';
import { renderClusterList, renderStatus } from './status-output';
import { StatusReporter } from '../cluster/status';
import { TerminalReporter } from './terminal-reporter';
import { showNodeCommands } from './verbose';
import { envCommand, type EnvOptions } from './env-command';
import { exitCodeOf, exitCodes } from './exit-codes';
import { SHELLS } from './shell-env';

// The framework package's own manifest, two levels up from both src/cli/main.ts and dist/cli/main.js,
// so the version is the installed package's, not the one this file was built with.
const { version } = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  version: string;
};

const program = new Command('dtr-ha')
  .description('Build or reuse a UCP/DTR HA test cluster. Configuration comes from the environment and .env.')
  .version(version)
  .showHelpAfterError()
  // Usage errors are thrown, not exited on, so that main gives them their own exit code.
  .exitOverride()
  .option('-v, --verbose', 'also show each command run on a machine (secrets removed)');

/**
 * The status lines of `up` and `down`: on a terminal the running step updates in place with its time
 * and a summary of every step's time ends the command; elsewhere (a pipe, a log, TERM=dumb) the plain
 * lines, one per event, as they have always been.
 */
const reporter: StatusReporter =
  process.stderr.isTTY && process.env.TERM !== 'dumb' ? new TerminalReporter() : new StatusReporter();

/** Runs a command's work with its steps' summary printed at the end (on a terminal), however it ends. */
async function withSummary<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    if (reporter instanceof TerminalReporter) process.stderr.write(reporter.summary());
  }
}

program.hook('preAction', () => {
  if (program.opts<{ verbose?: boolean }>().verbose) {
    // The configuration's secrets are removed from every line shown; a bad one fails the command as usual.
    showNodeCommands(loadConfig(), (line) => reporter.info(line));
  }
});

/**
 * The commands that change the cluster — `up`, `down`, `fault` — run under its run lock, the one the
 * preset holds from globalSetup to globalTeardown: two of them (or one and a Jest run) never act on one
 * MACHINE_PREFIX at once; the later one waits, saying who holds the lock. `status`, `logs`, `config` and `env`
 * take none: they only read the cluster (`logs` writes a diagnostics folder of its own), and they are
 * wanted most while a long `up` or a test run holds the lock.
 * Nor does `ssh`, which runs what its user asks, on purpose, at any time — as a shell on the node would.
 */
async function underClusterLock<T>(
  config: Config,
  command: string,
  options: { lockTimeout: number },
  work: (lock: HeldLock) => Promise<T>,
): Promise<T> {
  const lock = await acquireClusterLock(config.stateDir, config.machinePrefix, {
    purpose: command,
    timeoutMs: options.lockTimeout * 1000,
    waitLonger: 'give --lock-timeout <seconds> (0: no limit)',
    onWait: (message) => process.stderr.write(`dtr-ha: ${message}\n`),
    // The error that stops the command says the rest.
    onLost: () => process.stderr.write(`dtr-ha: ${command} lost the lock of its cluster: stopping\n`),
  });
  try {
    return await work(lock);
  } finally {
    await lock.release();
  }
}

const lockTimeoutOption = () =>
  new Option(
    '--lock-timeout <seconds>',
    'how long to wait for a command or test run of this cluster that holds its lock (0: no limit)',
  )
    .argParser((value) => {
      const seconds = Number(value);
      if (!Number.isFinite(seconds) || seconds < 0)
        throw new InvalidArgumentError('a number of seconds, 0 or more');
      return seconds;
    })
    .default(30 * 60);

program
  .command('up')
  .description('create or reuse the whole cluster: machines, images, UCP, shared storage, DTR, HAProxy')
  .addOption(
    new Option('--until <step>', 'stop after this step').choices(UP_TARGETS).default(CLI_UNTIL_DEFAULT),
  )
  .addOption(lockTimeoutOption())
  .option('--json', 'print the cluster as `dtr-ha status --json` does (with what up did to each machine)')
  .action(async (options: { until: UpTarget; lockTimeout: number; json?: boolean }) => {
    const config = loadConfig();
    const result = await withSummary(() =>
      underClusterLock(config, `dtr-ha up --until ${options.until}`, options, (lock) =>
        up(config, { until: options.until, lock, reporter }),
      ),
    );
    result.handles.forEach((m) => m.dispose());
    if (options.json) {
      const status = await clusterStatus(config);
      for (const m of status.machines) m.action = result.actions[m.name];
      process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      return;
    }
    for (const m of result.machines) {
      process.stdout.write(`${m.name}\t${m.role}\t${m.ip}\t${result.actions[m.name]}\n`);
    }
    const { loadBalancer, dtr, ucp } = result.info;
    if (ucp) process.stdout.write(`UCP\t${ucp.url}\n`);
    for (const replica of dtr?.replicas ?? [])
      process.stdout.write(`DTR replica ${replica.id}\t${replica.url}\n`);
    if (loadBalancer) process.stdout.write(`DTR (load balancer)\t${loadBalancer.url}\n`);
  });

const prefixOption = () =>
  new Option('--prefix <prefix>', 'the cluster of this MACHINE_PREFIX instead of the configured one');

/** The configuration, with MACHINE_PREFIX (and, for a lab cluster found on the engine, the driver) given. */
function configOf(overrides: Record<string, string | undefined>): Config {
  const given = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  return Object.keys(given).length ? loadConfig({ env: { ...process.env, ...given } }) : loadConfig();
}

program
  .command('down')
  .description(
    'remove every machine of the cluster (MACHINE_PREFIX, or --prefix: any cluster `dtr-ha ls` lists)',
  )
  .addOption(lockTimeoutOption())
  .addOption(prefixOption())
  .action(async (options: { lockTimeout: number; prefix?: string }) => {
    let config = loadConfig();
    if (options.prefix !== undefined && options.prefix !== config.machinePrefix) {
      // Another cluster of this host: one that exists, checked before its lock or anything else is made.
      const { clusters } = await listClusters(config.stateDir, new Docker());
      const found = clusters.find((c) => c.prefix === options.prefix);
      if (!found) {
        const known = clusters.map((c) => c.prefix).join(', ') || 'none';
        throw new NotFoundError(
          `no cluster ${options.prefix} on this host (clusters: ${known}; see \`dtr-ha ls\`)`,
        );
      }
      // Its nodes are on this engine: it is a lab cluster, whatever MACHINE_DRIVER says.
      config = configOf({ MACHINE_PREFIX: options.prefix, MACHINE_DRIVER: found.driver });
    }
    await withSummary(() =>
      underClusterLock(config, 'dtr-ha down', options, (lock) => down(config, { lock, reporter })),
    );
  });

program
  .command('status')
  .description(
    'the machines of the cluster, whether their engines answer over verified TLS, and the health of UCP, ' +
      'each DTR replica and the load balancer; makes nothing',
  )
  .option('--json', 'print it as one JSON document')
  .addOption(prefixOption())
  .action(async (options: { json?: boolean; prefix?: string }) => {
    const status = await clusterStatus(configOf({ MACHINE_PREFIX: options.prefix }));
    process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status));
  });

program
  .command('ls')
  .description(
    'list every cluster of this host (all prefixes: state directories, and lab clusters by their labels)',
  )
  .option('--json', 'print them as one JSON document')
  .action(async (options: { json?: boolean }) => {
    const config = loadConfig();
    const { clusters, engineProblem } = await listClusters(config.stateDir, new Docker());
    if (engineProblem) process.stderr.write(`dtr-ha: ${engineProblem}\n`);
    process.stdout.write(
      options.json
        ? `${JSON.stringify({ current: config.machinePrefix, clusters }, null, 2)}\n`
        : renderClusterList(clusters, config.machinePrefix),
    );
  });

program
  .command('doctor')
  .description(
    'check what the local lab needs of this host (engine, rights, debootstrap, a Debian mirror, the nodes’ ' +
      'container settings, bridge addresses), one line per check, with what to do for each miss',
  )
  .action(async () => {
    const config = loadConfig();
    const docker = new Docker();
    const results =
      config.machineDriver === 'local'
        ? await labHostChecks(config, docker)
        : // Other machines are not containers here: only the engine the images are sent from is needed.
          await engineOnlyChecks(config.machineDriver, docker);
    process.stdout.write(renderChecks(results, colorsOn(process.stdout)));
    const outcome = doctorOutcome(results);
    process.exitCode = exitCodes[outcome].code;
  });

program
  .command('config')
  .description('print every configuration variable: description, default, current value (secrets masked)')
  .action(() => {
    const config = loadConfig();
    process.stdout.write(
      describeEnvironment(config, providerRegistration(config.machineDriver).describe?.(config)),
    );
  });

program
  .command('env [machine]')
  .description(
    "print the commands that point a Docker client at a machine's engine over verified TLS, as " +
      'docker-machine env does: eval $(dtr-ha env <machine>). The configuration table is `dtr-ha config`',
  )
  .addOption(
    new Option('--shell <shell>', 'the shell to print for (default: from $SHELL, else sh/bash)').choices(
      SHELLS,
    ),
  )
  .option('-u, --unset', 'print the commands that unset the variables instead')
  .action(async (name: string | undefined, options: EnvOptions) => {
    process.stdout.write(
      await envCommand(loadConfig, name, options, process.argv.slice(2), (line) =>
        process.stderr.write(`dtr-ha: ${line}\n`),
      ),
    );
  });

program
  .command('ssh <machine> [command...]')
  .description('run a command on a machine over SSH (the host key is checked); prints its output')
  .action(async (name: string, words: string[]) => {
    const config = loadConfig();
    // Only what ssh needs is read (the records, the known host keys): nothing is made for it.
    const dir = clusterStateDir(config.stateDir, config.machinePrefix);
    const records = (await readMachinesFile(dir)) ?? [];
    const record = records.find((r) => r.name === name);
    if (!record) {
      const known = records.map((r) => r.name).join(', ') || 'none: run `dtr-ha up`';
      throw new NotFoundError(
        `no machine named ${name} in cluster ${config.machinePrefix} (machines: ${known})`,
      );
    }
    if (!words.length) throw new UsageError('give a command to run, e.g. `dtr-ha ssh ' + name + ' hostname`');
    const knownHosts = new KnownHosts(dir);
    const machine = new Machine(record, knownHosts);
    try {
      const result = await machine.ssh(words.join(' '));
      process.stdout.write(result.stdout ? `${result.stdout}\n` : '');
      process.stderr.write(result.stderr ? `${result.stderr}\n` : '');
      process.exitCode = result.code;
    } finally {
      machine.dispose();
      await knownHosts.flush();
    }
  });

program
  .command('logs')
  .description('collect dockerd logs and the logs and inspect of every UCP, DTR and HAProxy container')
  .action(async () => {
    const config = loadConfig();
    const records = (await readMachinesFile(clusterStateDir(config.stateDir, config.machinePrefix))) ?? [];
    if (!records.length)
      throw new NotFoundError(`no machines recorded for ${config.machinePrefix}: run \`dtr-ha up\``);
    const context = await openCluster(config);
    const machines = toMachines(context, records);
    try {
      const result = await collectDiagnostics(machines, {
        dir: diagnosticsDir(context.dir),
        provider: context.provider,
        secrets: await diagnosticSecrets({
          config,
          clusterDir: context.dir,
          adminPassword: await adminPassword(config, context.dir),
          machines,
        }),
      });
      for (const problem of result.problems) process.stderr.write(`warning: ${problem}\n`);
      process.stdout.write(`${result.dir}\n`);
    } finally {
      machines.forEach((m) => m.dispose());
    }
  });

const faultActions = {
  'kill-replica': 'SIGKILL every container of a DTR replica',
  'stop-replica': "stop a DTR replica's containers",
  'start-replica': "start (or unpause) a DTR replica's containers again",
  'pause-replica': "freeze a DTR replica's containers",
  'unpause-replica': 'unfreeze a DTR replica',
  'restart-replica': "restart a DTR replica's containers",
  'stop-machine': 'power a machine off (local lab, docker-machine)',
  'start-machine': 'power a machine on again',
  partition: 'cut a machine off from the other machines (iptables over SSH)',
  heal: "remove a machine's partition",
} as const;

program
  .command('fault <action> <target>')
  .description(
    'cause a fault by hand, as suite.faults does in tests; undo it with its opposite action (the next ' +
      '`dtr-ha up`, or a suite setup, heals whatever is still in place). Actions:\n' +
      Object.entries(faultActions)
        .map(([name, what]) => `  ${name.padEnd(16)}${what}`)
        .join('\n') +
      '\n<target> is a replica ID (replica actions) or a machine name',
  )
  .addOption(lockTimeoutOption())
  .action(async (action: string, target: string, options: { lockTimeout: number }) => {
    if (!(action in faultActions)) {
      throw new UsageError(`unknown fault ${action}: one of ${Object.keys(faultActions).join(', ')}`);
    }
    const config = loadConfig();
    await underClusterLock(config, `dtr-ha fault ${action} ${target}`, options, (lock) =>
      fault(config, action as keyof typeof faultActions, target, lock),
    );
    process.stderr.write(`${action} ${target}: done\n`);
  });

async function fault(config: Config, action: keyof typeof faultActions, target: string, lock: HeldLock) {
  const context = await openCluster(config);
  const records = (await readMachinesFile(context.dir)) ?? [];
  const machines = toMachines(context, records);
  try {
    const faults = new Faults(machines, providerPower(context.provider), new FaultJournal(context.dir));
    const replica = async () => {
      const found = (await findReplicas(machines)).find((r) => r.id === target);
      if (!found)
        throw new NotFoundError(`no DTR replica ${target} on the machines of ${config.machinePrefix}`);
      return found;
    };
    const machine = () => {
      const found = machines.find((m) => m.name === target);
      if (!found) throw new NotFoundError(`no machine named ${target} in cluster ${config.machinePrefix}`);
      return found;
    };
    const runs: Record<keyof typeof faultActions, () => Promise<void>> = {
      'kill-replica': async () => faults.killReplica(await replica()),
      'stop-replica': async () => faults.stopReplica(await replica()),
      'start-replica': async () => faults.startReplicaNow(await replica()),
      'pause-replica': async () => faults.pauseReplica(await replica()),
      'unpause-replica': async () => faults.unpauseReplica(await replica()),
      'restart-replica': async () => faults.restartReplica(await replica()),
      'stop-machine': () => faults.stopMachine(machine()),
      'start-machine': () => faults.startMachine(machine()),
      partition: () => faults.partition(machine()),
      heal: () => faults.heal(machine()),
    };
    lock.assertHeld();
    await runs[action]();
  } finally {
    machines.forEach((m) => m.dispose());
  }
}

async function engineOnlyChecks(driver: string, docker: Docker): Promise<CheckResult[]> {
  const advice = await probeHostEngine(docker);
  const note: CheckResult = {
    name: 'machines',
    status: 'skipped',
    summary: `MACHINE_DRIVER=${driver}: the machines are not containers here, so the lab's checks do not apply`,
  };
  const engine: CheckResult = advice
    ? { name: 'engine', status: 'miss', summary: advice.problem, fix: advice.fix }
    : { name: 'engine', status: 'ok', summary: 'answers (the images are sent to the machines from it)' };
  return [note, engine];
}

export async function main(argv: string[]): Promise<void> {
  try {
    // No command at all: the help, as a request for it, not as a usage error.
    if (argv.length <= 2) return void program.outputHelp();
    await program.parseAsync(argv);
  } catch (error) {
    // Commander has printed its own message (and the help) already.
    if (!(error instanceof CommanderError)) {
      // Configuration problems are already one readable list; other errors get their message only.
      const message = error instanceof ConfigError ? error.message : `error: ${(error as Error).message}`;
      process.stderr.write(`${message}\n`);
    }
    process.exitCode = exitCodeOf(error);
  }
}

export type { Config };

if (require.main === module) void main(process.argv);
