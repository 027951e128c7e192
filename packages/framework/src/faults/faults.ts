import type Docker from 'dockerode';
import type { Config } from '../config';
import { engineAnswers } from '../engine/engine-client';
import type { Machine } from '../machines/machine';
import { providerRegistration } from '../machines/providers';
import type { MachinePowerSwitch } from '../machines/types';
import { replicaContainerPattern } from '../products/dtr/names';
import { waitFor } from '../util/wait';

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
      await provider.startMachine!(machine.name);
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
  private readonly undo: Array<{ what: string; run: () => Promise<void> }> = [];

  constructor(
    private readonly machines: Machine[],
    private readonly power?: MachinePower,
  ) {}

  private async replicaContainers(replica: ReplicaRef, all = true) {
    const pattern = replicaContainerPattern(replica.id);
    const containers = await replica.machine.getClient().listContainers({ all });
    const mine = containers.filter((c) => c.Names.some((n) => pattern.test(n)));
    if (!mine.length)
      throw new Error(`no containers of DTR replica ${replica.id} on ${replica.machine.name}`);
    return mine.map((c) => replica.machine.getClient().getContainer(c.Id));
  }

  private remember(what: string, run: () => Promise<void>): void {
    this.undo.push({ what, run });
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
    await Promise.all(containers.map((c) => c.kill()));
    this.remember(`kill ${replica.id}`, () => this.startReplica(replica));
  }

  /** Stops the replica's containers (a clean shutdown). */
  async stopReplica(replica: ReplicaRef): Promise<void> {
    const containers = await this.replicaContainers(replica, false);
    await Promise.all(containers.map((c) => c.stop({ t: 2 })));
    this.remember(`stop ${replica.id}`, () => this.startReplica(replica));
  }

  /** Starts a stopped or killed replica again now (and forgets the pending undo). */
  async startReplicaNow(replica: ReplicaRef): Promise<void> {
    await this.startReplica(replica);
  }

  /** Freezes the replica's processes: it keeps its connections but answers nothing. */
  async pauseReplica(replica: ReplicaRef): Promise<void> {
    const containers = await this.replicaContainers(replica, false);
    await Promise.all(containers.map((c) => c.pause()));
    this.remember(`pause ${replica.id}`, () => this.startReplica(replica));
  }

  async unpauseReplica(replica: ReplicaRef): Promise<void> {
    await this.startReplica(replica);
  }

  async restartReplica(replica: ReplicaRef): Promise<void> {
    const containers = await this.replicaContainers(replica);
    await Promise.all(containers.map((c) => c.restart({ t: 2 })));
  }

  /** Powers a whole machine off (the lab stops its node container; docker-machine stops the machine). */
  async stopMachine(machine: Machine): Promise<void> {
    if (!this.power) throw new Error(`this provider cannot stop and start machines (${machine.name})`);
    await this.power.stop(machine);
    this.remember(`stop ${machine.name}`, () => this.power!.start(machine));
  }

  async startMachine(machine: Machine): Promise<void> {
    if (!this.power) throw new Error(`this provider cannot stop and start machines (${machine.name})`);
    await this.power.start(machine);
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
    await machine.shell.check(rules.map((rule) => `iptables -t raw -I ${rule}`).join(' && '));
    this.remember(`partition ${machine.name}`, () => this.heal(machine));
  }

  /** Removes every partition rule from `machine`. */
  async heal(machine: Machine): Promise<void> {
    await machine.shell.check(healScript());
  }

  /** Undoes every fault still in place, newest first; reports all failures together. */
  async undoAll(): Promise<void> {
    const failures: string[] = [];
    while (this.undo.length) {
      const step = this.undo.pop()!;
      await step.run().catch((error: Error) => failures.push(`${step.what}: ${error.message}`));
    }
    if (failures.length) throw new Error(`could not undo every fault:\n${failures.join('\n')}`);
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

/** Deletes our rules by their comment, leaving every other rule of the machine alone. */
export function healScript(): string {
  return `iptables -t raw -S | grep -- '--comment ${partitionTag}' | sed 's/^-A /-D /' | while read -r rule; do eval iptables -t raw "$rule"; done`;
}
