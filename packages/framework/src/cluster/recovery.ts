/**
 * What a test does to DTR's replicas on purpose, beside `up`: the release's recovery commands
 * (backup, restore, emergency-repair), a replica removed through a healthy one or joined, a replica
 * lost for good; and after each change of the replicas, HAProxy in front of those there are. For a
 * test process: it opens the cluster `up` built (its records and TLS files), builds no image, and
 * takes no lock (the caller's run holds the cluster's; `lock` is checked before each action).
 */
import type Docker from 'dockerode';
import { promises as fs } from 'node:fs';
import type { Config } from '../config';
import { deployHaproxy, haproxyImageOn } from '../load-balancer/haproxy';
import { waitForCheckedUp } from '../load-balancer/haproxy-stats';
import type { Machine } from '../machines/machine';
import { DtrApiClient } from '../products/dtr/dtr-client';
import { findReplicas, type DtrReplica } from '../products/dtr/dtr';
import { backupDtr, emergencyRepairDtr, restoreDtr, type DtrBackup } from '../products/dtr/recovery';
import { makeReplica, reapReplica, removeReplica } from '../products/dtr/replicas';
import { releaseProfileOf, type ReleaseProfile } from '../releases';
import type { LockCheck } from '../util/lock';
import { openCluster } from './cluster-context';
import { readClusterFile } from './cluster-file';
import { StatusReporter } from './status';
import { planDtr } from './steps/dtr-plan';
import { dtrHttpsPort, loadBalancerPort } from './steps/ports';
import type { DtrPlan } from './steps/step';

export type { DtrBackup } from '../products/dtr/recovery';

export type RecoveryCommand = 'backup' | 'restore' | 'emergency-repair';

/**
 * Why the release of `profile` cannot run `command`, in one line that says what it does instead; or
 * undefined when it can. Read from the release's driver (what the release lacks is absent there),
 * citing the reference index page whose command table lacks it.
 */
export function lackedRecoveryCommand(profile: ReleaseProfile, command: RecoveryCommand): string | undefined {
  const { driver, dtr } = profile;
  const has = { backup: true, restore: true, 'emergency-repair': driver.dtr.emergencyRepair !== undefined };
  if (has[command]) return undefined;
  return (
    `${command}: DTR ${dtr.line} (release profile ${profile.name}) has no ${command} command ` +
    `(the command table of ${dtr.invocation.source} lists none); a cluster that lost its majority for ` +
    'good is restored instead, from a backup taken before the loss (backup, then restore)'
  );
}

export interface DtrOperationsOptions {
  /** The UCP admin's password (the suite's). */
  adminPassword: string;
  lock?: LockCheck;
  reporter?: StatusReporter;
  hostDocker?: Docker;
}

export class DtrOperations {
  private constructor(
    readonly profile: ReleaseProfile,
    private readonly plan: DtrPlan,
    private readonly controller: Machine,
    private readonly reporter: StatusReporter,
    private readonly lock?: LockCheck,
  ) {}

  /**
   * The DTR of the cluster `config` names, as `up` left it (cluster.json), over `machines` (the
   * caller's open handles, the controller first). Throws when DTR and HAProxy are not there.
   */
  static async open(
    config: Config,
    machines: Machine[],
    options: DtrOperationsOptions,
  ): Promise<DtrOperations> {
    options.lock?.assertHeld();
    const context = await openCluster(config, { hostDocker: options.hostDocker });
    const info = await readClusterFile(context.dir);
    if (!info?.ucp || !info.loadBalancer || !info.dtr) {
      throw new Error(
        `DTR is not installed on cluster ${config.machinePrefix} (${context.dir}/cluster.json): run up, or suite.setup(), first`,
      );
    }
    const lbMachine = machines.find((m) => m.name === info.loadBalancer!.machine);
    if (!lbMachine) throw new Error(`the load balancer's machine ${info.loadBalancer.machine} is not open`);
    const profile = releaseProfileOf(config);
    const plan = await planDtr(config, context, machines, {
      dtrImage: config.dtr.image,
      haproxyImage: await haproxyImageOn(lbMachine),
      ucp: { url: info.ucp.url, caPem: await fs.readFile(info.ucp.caPath, 'utf8') },
      password: options.adminPassword,
      driver: profile.driver.dtr,
    });
    const reporter = options.reporter ?? new StatusReporter();
    return new DtrOperations(profile, plan, machines[0], reporter, options.lock);
  }

  /** A replica's own URL (not through the load balancer), as the handoff gives it. */
  replicaUrl(machine: Machine): string {
    return `https://${machine.getIP()}:${dtrHttpsPort}`;
  }

  /** The replicas there are on the replica machines, by their containers (names are the state). */
  findReplicas(): Promise<DtrReplica[]> {
    return findReplicas(this.plan.replicaMachines);
  }

  /** `backup` through `through`, a healthy replica: the tar, in memory. */
  backup(through: DtrReplica): Promise<DtrBackup> {
    return this.step(`Backing up DTR through replica ${through.id}`, () =>
      backupDtr(this.plan.settings, through),
    );
  }

  /**
   * `restore` of `backup` on `machine` (a replica machine): what is left of the old cluster is taken
   * apart first, then a cluster of one new replica is restored there. Returns it.
   */
  restore(backup: DtrBackup, machine: Machine): Promise<DtrReplica> {
    this.refuseLacking('restore');
    return this.step(`Restoring DTR on ${machine.name}`, async (detail) =>
      restoreDtr(this.plan, this.controller, machine, backup, await this.findReplicas(), detail),
    );
  }

  /** `emergency-repair` from `survivor`; `lost`: the other replicas, whose leftovers are reaped. */
  emergencyRepair(survivor: DtrReplica, lost: DtrReplica[]): Promise<void> {
    this.refuseLacking('emergency-repair');
    return this.step(`Repairing DTR from replica ${survivor.id}`, (detail) =>
      emergencyRepairDtr(this.plan.settings, survivor, lost, detail),
    );
  }

  /** A new replica on `machine`, joined through `through` (healthy). */
  join(machine: Machine, through: DtrReplica): Promise<DtrReplica> {
    return this.step(`Joining a replica on ${machine.name}`, (detail) =>
      makeReplica(this.plan, this.controller, machine, through, detail),
    );
  }

  /** `replica` taken out of the cluster through `through` (healthy), and what it left reaped. */
  remove(replica: DtrReplica, through: DtrReplica): Promise<void> {
    return this.step(`Removing replica ${replica.id}`, (detail) =>
      removeReplica(this.plan.settings, replica, through, detail, 'is to go'),
    );
  }

  /**
   * Replica `replica` lost for good, as when its machine's disk dies: its containers killed and
   * removed, its volumes deleted (its registry volume unmounted from the shared storage first, so
   * the images stay). The cluster is not told. Not a fault: nothing undoes it.
   */
  lose(replica: DtrReplica): Promise<string[]> {
    return this.step(`Losing replica ${replica.id} for good`, () => reapReplica(replica.machine, replica.id));
  }

  /** HAProxy in front of exactly `replicas` (restarted only when that changes its configuration). */
  balance(replicas: DtrReplica[]): Promise<void> {
    const caPem = this.plan.dtrCaPem;
    if (caPem === undefined) throw new Error("DTR's CA is not known: the cluster was not set up by up");
    return this.step(`HAProxy in front of ${replicas.map((r) => r.id).join(', ')}`, async (detail) => {
      await deployHaproxy(
        this.plan.lbMachine,
        this.plan.haproxyImage,
        replicas.map((r) => ({ id: r.id, ip: r.machine.getIP(), port: dtrHttpsPort })),
        caPem,
        { port: loadBalancerPort, checkPath: this.plan.settings.driver.healthPath, detail },
      );
      // Handed back once HAProxy has checked UP each replica that answers its own health endpoint
      // (see waitForCheckedUp); one that a fault holds down is left to HAProxy's checks.
      const answering = await replicasAnswering(replicas, caPem, this.plan.settings.driver.healthPath);
      await waitForCheckedUp(
        this.plan.lbMachine,
        answering.map((r) => r.id),
      );
    });
  }

  private refuseLacking(command: RecoveryCommand): void {
    const lacking = lackedRecoveryCommand(this.profile, command);
    if (lacking) throw new Error(lacking);
  }

  private step<T>(what: string, run: (detail: (message: string) => void) => Promise<T>): Promise<T> {
    this.lock?.assertHeld();
    return this.reporter.step(what, run);
  }
}

/** Those of `replicas` whose own health endpoint answers now (within 3 s: a frozen one does not). */
async function replicasAnswering(
  replicas: DtrReplica[],
  caPem: string,
  healthPath: string | undefined,
): Promise<DtrReplica[]> {
  const answers = await Promise.all(
    replicas.map((replica) =>
      new DtrApiClient(`https://${replica.machine.getIP()}:${dtrHttpsPort}`, caPem, undefined, {
        healthPath,
        timeoutMs: 3_000,
      })
        .ping()
        .then(
          () => true,
          () => false,
        ),
    ),
  );
  return replicas.filter((_, index) => answers[index]);
}
