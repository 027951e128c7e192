import Docker from 'dockerode';
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { quote } from 'shell-quote';
import { loadConfig, type Config } from '../../config';
import { down, up } from '../../cluster/up';
import { toMachines } from '../../cluster/cluster-context';
import { silentWriter, StatusReporter } from '../../cluster/status';
import { deliverStandin } from '../../../test-support/standin-delivery';
import { transferImage } from '../../images/image-transfer';
import type { Machine } from '../../machines/machine';
import { ensureLabImage, recipeDir } from '../lab-image';

// The per-release UCP stand-ins (lab/ucp-1.1-standin, lab/ucp-3.x-standin) on two real lab nodes,
// run as the framework runs them: install on node 1; 1.1 joins node 2 with `ucp join`, 3.x with a
// real `docker swarm join`, and the controller lists it; dump-certs --ca, id, images --list,
// uninstall. Real dockerd, real sshd, real swarm: no mocks. The releases take turns on the nodes.
// As the framework does (src/images/cluster-images.ts), the setup lists each installer's component
// images on the host (`images --list`), tags each as an alias of the stand-in and sends it to the
// nodes; one test takes a component off a node and sees install fail, pulling it from nowhere.

const hostDocker = new Docker();
const quiet = () => new StatusReporter(silentWriter);
const adminPassword = 'standin-admin-1';
const controllerPort = 8443;

let stateDir: string;
let config: Config;
let machines: Machine[];
let node1: Machine;
let node2: Machine;
const images: Record<'1.1' | '3.x', string> = { '1.1': '', '3.x': '' };
/** What each installer's `images --list` printed on the host: its component images. */
const components: Record<'1.1' | '3.x', string[]> = { '1.1': [], '3.x': [] };

/** What the framework runs on a node: the installer, named ucp, with the socket and the password. */
function ucp(machine: Machine, image: string, args: string[]) {
  return machine.ssh(
    `docker run --rm --name ucp -v /var/run/docker.sock:/var/run/docker.sock ` +
      `-e UCP_ADMIN_PASSWORD=${quote([adminPassword])} ${image} ${quote(args)}`,
  );
}

/** The message of the `level=fatal` line an installer logged (logfmt-quoted), or ''. */
function fatal(result: { stderr: string }): string {
  const match = /level=fatal msg=("(?:[^"\\]|\\.)*"|\S+)/.exec(result.stderr);
  if (!match) return '';
  return match[1].startsWith('"') ? (JSON.parse(match[1]) as string) : match[1];
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/** The stand-ins' own HTTPS client (standin-common/client.js): `ca` pins, `insecure` for /ca. */
let request: (
  url: string,
  options?: Record<string, unknown>,
) => Promise<{ status: number; text: string; json: any }>;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** UCP's containers and volumes left on a node. */
async function ucpLeftovers(machine: Machine): Promise<string[]> {
  const client = machine.getClient();
  const containers = await client.listContainers({ all: true });
  const { Volumes: volumes } = await client.listVolumes();
  return [
    ...containers.flatMap((c) => c.Names).filter((n) => /^\/ucp-/.test(n)),
    ...(volumes ?? []).map((v) => v.Name).filter((n) => n.startsWith('ucp-')),
  ];
}

const installArgs = (machine: Machine) => [
  'install',
  '--host-address',
  machine.getIP(),
  '--san',
  machine.getIP(),
  '--san',
  machine.name,
  '--controller-port',
  String(controllerPort),
  '--admin-username',
  'admin',
];

/** install on node 1 as the framework runs it; the instance ID it printed, and the controller's URL and CA. */
async function install(image: string) {
  const installed = await ucp(node1, image, installArgs(node1));
  expect(fatal(installed)).toBe('');
  expect(installed.code).toBe(0);
  const instanceId = /UCP instance ID: (\S+?)"/.exec(installed.stderr)![1];
  const url = `https://${node1.getIP()}:${controllerPort}`;
  const ca = (await request(`${url}/ca`, { insecure: true })).text; // compared with dump-certs below
  return { instanceId, url, ca };
}

/** dump-certs --ca prints the CA the controller serves at /ca; id prints the instance ID. */
async function checkDumpCertsAndId(image: string, instanceId: string, ca: string) {
  const dumped = await ucp(node1, image, ['dump-certs', '--ca']);
  expect(dumped.code).toBe(0);
  expect(dumped.stdout.trim()).toBe(ca.trim());
  expect(new X509Certificate(dumped.stdout).ca).toBe(true);
  const both = await ucp(node1, image, ['dump-certs']);
  expect(both.stdout.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  const id = await ucp(node1, image, ['id']);
  expect(id).toMatchObject({ code: 0 });
  expect(id.stdout.trim()).toBe(instanceId);
}

beforeAll(async () => {
  ({ request } = await import(path.join(recipeDir('standin-base'), 'rootfs/opt/standin-common/client.js')));
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-ucp-standins-test-'));
  config = loadConfig({
    env: {
      ...process.env,
      MACHINE_PREFIX: `ucpstandins${process.pid}`,
      NUM_MACHINES: '2',
      DTR_HA_STATE_DIR: stateDir,
    },
    cwd: stateDir,
  });
  // The nodes come up while the images build (or are found cached).
  const [cluster, ucp11, ucp3x] = await Promise.all([
    up(config, { reporter: quiet(), until: 'machines' }),
    ensureLabImage(hostDocker, 'ucp-1.1-standin'),
    ensureLabImage(hostDocker, 'ucp-3.x-standin'),
  ]);
  images['1.1'] = ucp11.tag;
  images['3.x'] = ucp3x.tag;
  machines = toMachines(cluster.context, cluster.machines);
  [node1, node2] = machines;
  for (const line of ['1.1', '3.x'] as const) {
    components[line] = await deliverStandin(hostDocker, images[line], ['images', '--list'], machines);
  }
});

/** The component image `name` of the installer `image`: its repository's last part replaced, its tag. */
function componentOf(image: string, name: string): string {
  const at = image.lastIndexOf(':');
  const repo = image.slice(0, at);
  return `${repo.slice(0, repo.lastIndexOf('/') + 1)}${name}${image.slice(at)}`;
}

afterAll(async () => {
  machines?.forEach((m) => m.dispose());
  if (config) await down(config, { reporter: quiet() });
  if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
});

describe('UCP 1.1 stand-in', () => {
  const image = () => images['1.1'];
  let instanceId: string;
  let url: string;
  let ca: string;

  test('install on node 1; a second install without --fresh-install is refused', async () => {
    ({ instanceId, url, ca } = await install(image()));
    const again = await ucp(node1, image(), installArgs(node1));
    expect(again.code).toBe(1);
    expect(fatal(again)).toMatch(/already installed .*run uninstall first, or install with --fresh-install/);
  });

  test('fingerprint, dump-certs --ca and id', async () => {
    const printed = await ucp(node1, image(), ['fingerprint']);
    expect(printed.code).toBe(0);
    expect(printed.stdout.trim()).toBe(`SHA-256 Fingerprint=${new X509Certificate(ca).fingerprint256}`);
    await checkDumpCertsAndId(image(), instanceId, ca);
  });

  test('node 2 joins with ucp join: it then belongs to the instance, as `id` and its node certs say', async () => {
    const joined = await ucp(node2, image(), [
      'join',
      '--url',
      url,
      '--fingerprint',
      new X509Certificate(ca).fingerprint256,
      '--host-address',
      node2.getIP(),
      '--admin-username',
      'admin',
    ]);
    expect(fatal(joined)).toBe('');
    expect(joined.code).toBe(0);
    // What UCP 1.1 documents of a joined node: `id` there prints the instance's ID
    // (reference/id.md), and it has the ucp-node-certs volume (architecture.md).
    expect((await ucp(node2, image(), ['id'])).stdout.trim()).toBe(instanceId);
    await expect(node2.getClient().getVolume('ucp-node-certs').inspect()).resolves.toBeTruthy();
  });

  test('images --list prints the component image the controller runs from, ucp-controller', async () => {
    const controllerImage = componentOf(image(), 'ucp-controller');
    expect(components['1.1']).toEqual([controllerImage]);
    const listed = await ucp(node1, image(), ['images', '--list']);
    expect(listed).toMatchObject({ code: 0, stdout: controllerImage }); // ssh() trims it
    const controller = await node1.getClient().getContainer('ucp-controller').inspect();
    expect(controller.Config.Image).toBe(controllerImage);
    // Present on the node: `images` has nothing to pull.
    const checked = await ucp(node1, image(), ['images']);
    expect(checked).toMatchObject({ code: 0, stdout: '' });
    expect(checked.stderr).toContain('All UCP images are present on this node');
  });

  test('3.x commands and flags are refused', async () => {
    const removed = await ucp(node1, image(), ['uninstall-ucp', '--id', instanceId]);
    expect(removed).toMatchObject({ code: 3, stderr: "No help topic for 'uninstall-ucp'" });
    const flag = await ucp(node1, image(), ['install', '--data-path-addr', node1.getIP()]);
    expect(flag.code).toBe(1);
    expect(flag.stdout).toMatch(/^Incorrect Usage: flag provided but not defined: -data-path-addr/);
  });

  test('uninstall: a wrong --id is refused; node 2 leaves, then node 1 is emptied', async () => {
    const wrong = await ucp(node1, image(), ['uninstall', '--id', 'NOT-THE-ID']);
    expect(wrong.code).toBe(1);
    expect(fatal(wrong)).toMatch(/does not match the UCP instance/);
    expect(await ucp(node2, image(), ['uninstall', '--id', instanceId])).toMatchObject({ code: 0 });
    // Node 2 no longer belongs to the instance.
    expect((await ucp(node2, image(), ['id'])).code).not.toBe(0);
    expect(await ucp(node1, image(), ['uninstall', '--id', instanceId])).toMatchObject({ code: 0 });
    expect(await ucpLeftovers(node1)).toEqual([]);
    expect(await ucpLeftovers(node2)).toEqual([]);
  });
});

describe('UCP 3.x stand-in', () => {
  const image = () => images['3.x'];
  let instanceId: string;
  let ca: string;

  test('join, fingerprint and --fresh-install are not 3.x: refused', async () => {
    const join = await ucp(node2, image(), ['join', '--url', 'https://x', '--fingerprint', 'AA']);
    expect(join).toMatchObject({ code: 3, stderr: "No help topic for 'join'" });
    expect(await ucp(node1, image(), ['fingerprint'])).toMatchObject({ code: 3 });
    const fresh = await ucp(node1, image(), [...installArgs(node1), '--fresh-install']);
    expect(fresh.code).toBe(1);
    expect(fresh.stdout).toMatch(/^Incorrect Usage: flag provided but not defined: -fresh-install/);
    expect((await node1.getClient().info()).Swarm.LocalNodeState).toBe('inactive');
  });

  test('without its ucp-controller image on the node, install fails before it creates anything; with it, it succeeds', async () => {
    const [controllerImage] = components['3.x'];
    const client = node1.getClient();
    expect(await node1.ssh(`docker rmi ${controllerImage}`)).toMatchObject({ code: 0 });
    // The lab has no registry: the pull the installer tries fails, and says so.
    const failed = await ucp(node1, image(), installArgs(node1));
    expect(failed.code).toBe(1);
    expect(fatal(failed)).toMatch(/^Unable to pull image \S+: \S/);
    expect(fatal(failed).startsWith(`Unable to pull image ${controllerImage}: `)).toBe(true);
    expect(failed.stderr).toContain(`level=info msg="Pulling required image ${controllerImage}"`);
    expect(await ucpLeftovers(node1)).toEqual([]);
    expect((await client.info()).Swarm.LocalNodeState).toBe('inactive');
    await transferImage(hostDocker, controllerImage, [{ name: node1.name, docker: client }]);
    const checked = await ucp(node1, image(), ['images']);
    expect(checked.code).toBe(0);
  });

  test('install on node 1 creates the swarm first; a second install is refused', async () => {
    ({ instanceId, ca } = await install(image()));
    const info = await node1.getClient().info();
    expect(info.Swarm).toMatchObject({
      LocalNodeState: 'active',
      ControlAvailable: true,
      NodeAddr: node1.getIP(),
    });
    const again = await ucp(node1, image(), installArgs(node1));
    expect(again.code).toBe(1);
    expect(fatal(again)).toMatch(/^UCP is already installed on this node .*run uninstall-ucp first/);
  });

  test('dump-certs --ca and id', async () => {
    await checkDumpCertsAndId(image(), instanceId, ca);
  });

  test('node 2 joins the swarm with docker swarm join, and the manager lists it', async () => {
    const swarm = await node1.getClient().swarmInspect();
    const joined = await node2.ssh(
      `docker swarm join --token ${swarm.JoinTokens.Worker} ${node1.getIP()}:2377`,
    );
    expect(joined.stderr).toBe('');
    expect(joined.code).toBe(0);
    const name1 = (await node1.getClient().info()).Name;
    const name2 = (await node2.getClient().info()).Name;
    // UCP 3.x's nodes are the swarm's: the manager's node list, through its engine.
    const nodes = (await node1.getClient().listNodes()) as {
      Description: { Hostname: string };
      Spec: { Role: string };
      Status: { Addr: string };
    }[];
    expect(nodes.map((n) => ({ name: n.Description.Hostname, role: n.Spec.Role }))).toEqual(
      expect.arrayContaining([
        { name: name1, role: 'manager' },
        { name: name2, role: 'worker' },
      ]),
    );
    expect(nodes.find((n) => n.Description.Hostname === name2)?.Status.Addr).toBe(node2.getIP());
  });

  test('images --list prints its ucp-controller image, which the controller runs from', async () => {
    const controllerImage = componentOf(image(), 'ucp-controller');
    expect(components['3.x']).toEqual([controllerImage]);
    const listed = await ucp(node1, image(), ['images', '--list']);
    expect(listed).toMatchObject({ code: 0, stdout: controllerImage }); // ssh() trims it
    const controller = await node1.getClient().getContainer('ucp-controller').inspect();
    expect(controller.Config.Image).toBe(controllerImage);
  });

  test('uninstall-ucp removes UCP and keeps the swarm; leftovers go without --id', async () => {
    const wrong = await ucp(node1, image(), ['uninstall-ucp', '--id', 'NOT-THE-ID']);
    expect(wrong.code).toBe(1);
    const removed = await ucp(node1, image(), ['uninstall-ucp', '--id', instanceId]);
    expect(fatal(removed)).toBe('');
    expect(removed.code).toBe(0);
    expect(await ucpLeftovers(node1)).toEqual([]);
    expect((await node1.getClient().info()).Swarm.LocalNodeState).toBe('active');

    // A leftover volume without an instance: removed without --id.
    await node1.getClient().createVolume({ Name: 'ucp-kv' });
    const leftovers = await ucp(node1, image(), ['uninstall-ucp']);
    expect(leftovers.code).toBe(0);
    expect(await ucpLeftovers(node1)).toEqual([]);
    // Nothing at all: a warning, exit 0.
    const nothing = await ucp(node1, image(), ['uninstall-ucp']);
    expect(nothing.code).toBe(0);
    expect(nothing.stderr).toMatch(/level=warning msg="No UCP components were found/);
  });
});
