import type Docker from 'dockerode';
import type { Config } from '../config';
import { engineAnswers } from '../engine/engine-client';
import type { Machine } from '../machines/machine';
import { providerRegistration } from '../machines/providers';
import type { MachinePowerSwitch } from '../machines/types';
import { replicaContainerPattern } from '../products/dtr/names';
import { waitFor } from '../util/wait';
import type { FaultEntry, FaultJournal } from './fault-journal';

export interface ReplicaRef {
  id: string;
  machine: Machine;
}

/** Machine-level faults need the provider (a lab node container, a docker-machine VM). */
export interface MachinePower {
  stop(machine: Machine): Promise<void>;
  start(machine: Machine): Promise<void>;
}

/**
 * Power from a provider that can stop and start machines (or a registration's power switch); starting
 * waits until the machine's engine answers over TLS again. The one power of the CLI, the preset and
 * the framework's tests.
 */
export function providerPower(provider: Partial<MachinePowerSwitch> | undefined): MachinePower | undefined {
  if (!provider?.stopMachine || !provider.startMachine) return undefined;
  return {
    stop: (machine) => provider.stopMachine!(machine.name),
    start: async (machine) => {
      await provider.startMachine!(machine.name, machine.record.ip);
      await waitFor(
        `${machine.name}'s engine after power-on`,
        async () => ((await engineAnswers(machine.record.engine, 1_000)) ? true : undefined),
        {
          timeoutMs: 60_000,
        },
      );
    },
  };
}

/**
 * The configured provider's power, from the configuration alone: nothing is read or made, for a
 * process without an open cluster (a test file's). Undefined when the provider cannot power machines.
 */
export function configuredPower(config: Config, hostDocker?: Docker): MachinePower | undefined {
  return providerPower(providerRegistration(config.machineDriver).power?.(config, hostDocker));
}

const partitionTag = 'dtr-ha-partition';

/**
 * Faults a test causes on purpose, and undoes: every fault is recorded, and `undoAll()` (run by the
 * suite's teardown, also when a test failed) heals partitions, unpauses, and starts again what was
 * stopped or killed. Partitions use iptables over SSH, so they work the same on cloud hosts and on
 * lab nodes.
 */
export class Faults {
  private readonly undo: Array<{ what: string; run: () => Promise<void>; entry?: string }> = [];

  /**
   * `journal`: where each fault is written down before it is caused (the cluster's state directory),
   * so that one this process never undoes (it died) is healed by the next `up` or suite setup.
   */
  constructor(
    private readonly machines: Machine[],
    private readonly power?: MachinePower,
    private readonly journal?: FaultJournal,
  ) {}

  private async replicaContainers(replica: ReplicaRef, all = true) {
    const pattern = replicaContainerPattern(replica.id);
    const containers = await replica.machine.getClient().listContainers({ all });
    const mine = containers.filter((c) => c.Names.some((n) => pattern.test(n)));
    if (!mine.length)
      throw new Error(`no containers of DTR replica ${replica.id} on ${replica.machine.name}`);
    return mine.map((c) => replica.machine.getClient().getContainer(c.Id));
  }

  /**
   * Records the fault's undo, in memory and in the journal, before the fault is caused: a fault that
   * fails half way (some rules inserted) is undone all the same.
   */
  private async remember(
    what: string,
    fault: Pick<FaultEntry, 'kind' | 'machine' | 'replicaId'>,
    run: () => Promise<void>,
  ): Promise<void> {
    const entry = await this.journal?.add(fault);
    this.undo.push({ what, run, entry });
  }

  private async startReplica(replica: ReplicaRef): Promise<void> {
    for (const container of await this.replicaContainers(replica)) {
      const info = await container.inspect();
      if (info.State.Paused) await container.unpause();
      else if (!info.State.Running) await container.start();
    }
  }

  /** SIGKILL every container of the replica (a crash). Undo: start them again. */
  async killReplica(replica: ReplicaRef): Promise<void> {
    const containers = await this.replicaContainers(replica, false);
    await this.remember(`kill ${replica.id}`, replicaFault('kill-replica', replica), () =>
      this.startReplica(replica),
    );
    await Promise.all(containers.map((c) => c.kill()));
  }

  /** Stops the replica's containers (a clean shutdown). */
  async stopReplica(replica: ReplicaRef): Promise<void> {
    const containers = await this.replicaContainers(replica, false);
    await this.remember(`stop ${replica.id}`, replicaFault('stop-replica', replica), () =>
      this.startReplica(replica),
    );
    await Promise.all(containers.map((c) => c.stop({ t: 2 })));
  }

  /** Starts a stopped or killed replica again now (and forgets the pending undo). */
  async startReplicaNow(replica: ReplicaRef): Promise<void> {
    await this.startReplica(replica);
    await this.journal?.removeWhere((e) => e.replicaId === replica.id);
  }

  /** Freezes the replica's processes: it keeps its connections but answers nothing. */
  async pauseReplica(replica: ReplicaRef): Promise<void> {
    const containers = await this.replicaContainers(replica, false);
    await this.remember(`pause ${replica.id}`, replicaFault('pause-replica', replica), () =>
      this.startReplica(replica),
    );
    await Promise.all(containers.map((c) => c.pause()));
  }

  async unpauseReplica(replica: ReplicaRef): Promise<void> {
    await this.startReplicaNow(replica);
  }

  async restartReplica(replica: ReplicaRef): Promise<void> {
    const containers = await this.replicaContainers(replica);
    await Promise.all(containers.map((c) => c.restart({ t: 2 })));
  }

  /** Powers a whole machine off (the lab stops its node container; docker-machine stops the machine). */
  async stopMachine(machine: Machine): Promise<void> {
    if (!this.power) throw new Error(`this provider cannot stop and start machines (${machine.name})`);
    await this.remember(`stop ${machine.name}`, { kind: 'stop-machine', machine: machine.name }, () =>
      this.power!.start(machine),
    );
    await this.power.stop(machine);
  }

  async startMachine(machine: Machine): Promise<void> {
    if (!this.power) throw new Error(`this provider cannot stop and start machines (${machine.name})`);
    await this.power.start(machine);
    await this.journal?.removeWhere((e) => e.kind === 'stop-machine' && e.machine === machine.name);
  }

  /**
   * Cuts `machine` off from the other machines of the cluster (both directions, including traffic
   * to and from its containers), while the host running the tests still reaches it. The rules sit
   * in the raw table, before Docker's own NAT and filter rules see a packet.
   */
  async partition(
    machine: Machine,
    from: Machine[] = this.machines.filter((m) => m !== machine),
  ): Promise<void> {
    const rules = from.flatMap((peer) => partitionRules(peer.getIP()));
    await this.remember(`partition ${machine.name}`, { kind: 'partition', machine: machine.name }, () =>
      this.heal(machine),
    );
    // -w: wait for the xtables lock (Docker's own rule changes hold it) instead of failing.
    await machine.shell.check(rules.map((rule) => `iptables -w -t raw -I ${rule}`).join(' && '));
  }

  /** Removes every partition rule from `machine`. */
  async heal(machine: Machine): Promise<void> {
    await machine.shell.check(healScript());
    await this.journal?.removeWhere((e) => e.kind === 'partition' && e.machine === machine.name);
  }

  /**
   * Undoes every fault still in place, newest first; reports all failures together. What was undone
   * is struck from the journal; what failed stays there for the next heal.
   */
  async undoAll(): Promise<void> {
    const failures: string[] = [];
    const undone: string[] = [];
    while (this.undo.length) {
      const step = this.undo.pop()!;
      await step.run().then(
        () => step.entry && undone.push(step.entry),
        (error: Error) => failures.push(`${step.what}: ${error.message}`),
      );
    }
    await this.journal?.remove(undone);
    if (failures.length) throw new Error(`could not undo every fault:\n${failures.join('\n')}`);
  }

  /**
   * Heals the faults of the journal that no running process will undo (theirs died), each as its own
   * undo would; throws, naming each, for those that cannot be healed (they stay in the journal).
   * Returns what was healed.
   */
  async healOrphans(): Promise<string[]> {
    if (!this.journal) return [];
    const healed: string[] = [];
    const done: string[] = [];
    const failures: string[] = [];
    for (const entry of (await this.journal.orphans()).reverse()) {
      const what = `${entry.kind} ${entry.replicaId ?? entry.machine} (left by process ${entry.pid} at ${entry.at})`;
      try {
        const machine = this.machines.find((m) => m.name === entry.machine);
        if (!machine) throw new Error(`no machine ${entry.machine} in this cluster any more`);
        if (entry.kind === 'partition') await this.heal(machine);
        else if (entry.kind === 'stop-machine') {
          // `up` has started a stopped machine already by the time it heals: then there is nothing to do.
          if (!(await engineAnswers(machine.record.engine, 2_000))) {
            if (!this.power) throw new Error(`this provider cannot start machines (${machine.name})`);
            await this.power.start(machine);
          }
        } else await this.startReplica({ id: entry.replicaId!, machine });
        healed.push(what);
        done.push(entry.id);
      } catch (error) {
        failures.push(`${what}: ${(error as Error).message}`);
      }
    }
    await this.journal.remove(done);
    if (failures.length) {
      throw new Error(
        `could not heal every fault a dead run left (they stay in ${this.journal.file}):\n${failures.join('\n')}`,
      );
    }
    return healed;
  }
}

export function partitionRules(peerIp: string): string[] {
  const mark = `-m comment --comment ${partitionTag}`;
  return [
    `PREROUTING -s ${peerIp} ${mark} -j DROP`,
    `PREROUTING -d ${peerIp} ${mark} -j DROP`,
    `OUTPUT -d ${peerIp} ${mark} -j DROP`,
  ];
}

/**
 * Deletes our rules by their comment, leaving every other rule of the machine alone. Fails when the
 * rules cannot be listed or deleted, or when any is still there after.
 */
export function healScript(): string {
  const ours = `grep -- '--comment ${partitionTag}'`;
  return [
    'set -e',
    'rules=$(iptables -w -t raw -S)',
    `printf '%s\\n' "$rules" | { ${ours} || true; } | sed 's/^-A /-D /' | while read -r rule; do eval iptables -w -t raw "$rule"; done`,
    `left=$(iptables -w -t raw -S | { ${ours} || true; })`,
    `if [ -n "$left" ]; then echo "partition rules still in place: $left" >&2; exit 1; fi`,
  ].join('\n');
}

function replicaFault(
  kind: 'kill-replica' | 'stop-replica' | 'pause-replica',
  replica: ReplicaRef,
): Pick<FaultEntry, 'kind' | 'machine' | 'replicaId'> {
  return { kind, machine: replica.machine.name, replicaId: replica.id };
}
