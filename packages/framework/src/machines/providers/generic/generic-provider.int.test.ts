import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type Config } from '../../../config';
import { down, up, type UpResult } from '../../../cluster/up';
import { toMachines } from '../../../cluster/cluster-context';
import { silentWriter, StatusReporter } from '../../../cluster/status';
import { engineAnswers } from '../../../engine/engine-client';

// The generic driver drives hosts it did not create. Here the hosts are lab nodes of another
// cluster: real sshd, real dockerd, reached only over SSH with a user's key as on cloud hosts.
const quiet = () => new StatusReporter(silentWriter);
let stateDir: string;
let labConfig: Config;
let lab: UpResult;

beforeAll(async () => {
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-generic-test-'));
  labConfig = loadConfig({
    env: {
      ...process.env,
      MACHINE_PREFIX: `hosts${process.pid}`,
      NUM_MACHINES: '2',
      DTR_HA_STATE_DIR: stateDir,
    },
    cwd: stateDir,
  });
  lab = await up(labConfig, { reporter: quiet(), until: 'machines' });
});

afterAll(async () => {
  if (labConfig) await down(labConfig, { reporter: quiet() });
  if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
});

function genericConfig(extra: Record<string, string> = {}): Config {
  return loadConfig({
    env: {
      ...process.env,
      MACHINE_DRIVER: 'generic',
      MACHINE_PREFIX: `generic${process.pid}`,
      GENERIC_MACHINE_LIST: lab.machines.map((m) => m.ip).join(','),
      MACHINE_CREATE_FLAGS: `--generic-ssh-user root --generic-ssh-key ${lab.machines[0].ssh.privateKeyPath}`,
      DTR_HA_STATE_DIR: stateDir,
      ...extra,
    },
    cwd: stateDir,
  });
}

test('generic hosts get engines with this cluster’s TLS, installed over SSH', async () => {
  const config = genericConfig();
  const result = await up(config, { reporter: quiet(), until: 'machines' });
  expect(result.machines.map((m) => [m.name, m.role, m.ip])).toEqual([
    [`${config.machinePrefix}-1`, 'controller', lab.machines[0].ip],
    [`${config.machinePrefix}-2`, 'replica', lab.machines[1].ip],
  ]);
  const machines = toMachines(result.context, result.machines);
  try {
    for (const machine of machines) {
      // The engine now presents a certificate of the generic cluster's CA, not the lab's.
      expect(machine.record.engine.caPath).toContain(config.machinePrefix);
      expect((await machine.getClient().info()).Labels).toContain(`dtr-ha.machine=${machine.name}`);
      expect((await machine.ssh('hostname')).stdout).toBe(lab.machines[machines.indexOf(machine)].name);
    }
    // The lab's own certificates are not trusted by those engines any more.
    expect(await engineAnswers(lab.machines[0].engine, 2000)).toBe(false);
  } finally {
    machines.forEach((m) => m.dispose());
  }
  // Again: the engines answer with our certificates, so nothing is set up twice.
  const again = await up(config, { reporter: quiet(), until: 'machines' });
  expect(again.machines.map((m) => m.ip)).toEqual(result.machines.map((m) => m.ip));
});

test('a host whose key changed since it was recorded is refused', async () => {
  const config = genericConfig();
  const result = await up(config, { reporter: quiet(), until: 'machines' });
  const [machine] = toMachines(result.context, result.machines);
  try {
    // Replace the host's keys as a reinstalled or impersonated host would have, then reconnect.
    await machine.ssh('rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && pkill -HUP -x sshd');
    machine.dispose();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await expect(machine.ssh('true')).rejects.toThrow(/host key .* changed since it was recorded/);
  } finally {
    machine.dispose();
  }
});
