import Docker from 'dockerode';
import { hashSync } from 'bcryptjs';
import * as https from 'node:https';
import { TempClusters } from '../../test-support/temp-cluster';
import { StatusReporter } from '../cluster/status';
import { up, type UpResult } from '../cluster/up';
import type { Config } from '../config';
import { ensureLabImage } from '../lab/lab-image';
import { ensureStandinImage } from '../lab/standins/standin-images';
import { releaseProfileOf } from '../releases';
import { createCertificateAuthority, issueServerCertificate } from '../tls';
import { tarSingleFile } from '../util/tar';
import { waitFor } from '../util/wait';
import { listComponentImages } from './cluster-images';
import { transferImage } from './image-transfer';

// The pull path (UCP_PULL_IMAGES / DTR_PULL_IMAGES with REGISTRY_USERNAME / REGISTRY_PASSWORD) against
// a real registry with authentication: CNCF Distribution (Debian's docker-registry, in the lab's
// stand-in base image) serving TLS with htpasswd users, on the cluster's own network. The installer
// images and every component image they list are pushed there first; then every machine pulls
// them with the credentials, and a wrong password stops `up` before anything is installed.

const hostDocker = new Docker();
const quiet = () => new StatusReporter(() => undefined);
const username = 'puller';
const password = 'pull-pw-3c9e1f';
const wrongPassword = 'wrong-pw-77ab02';
const registryPort = 5000;

let clusters: TempClusters;
let lab: Config;
let machines: UpResult;
let registryName: string;
let registryHost: string;
const pushed: string[] = [];

function pullConfig(registryPassword: string): Config {
  return clusters.config('pull', {
    NUM_MACHINES: '3',
    UCP_REPO: `${registryHost}/dtrha-lab`,
    DTR_REPO: `${registryHost}/dtrha-lab`,
    UCP_PULL_IMAGES: '1',
    DTR_PULL_IMAGES: '1',
    REGISTRY_USERNAME: username,
    REGISTRY_PASSWORD: registryPassword,
  });
}

/** `host:port/path/name:tag` → `{ repo: host:port/path/name, tag }`. */
function split(reference: string) {
  const at = reference.lastIndexOf(':');
  return { repo: reference.slice(0, at), tag: reference.slice(at + 1) };
}

beforeAll(async () => {
  clusters = await TempClusters.create('pull');
  lab = clusters.config('pull', { NUM_MACHINES: '3' });
  machines = await up(lab, { reporter: quiet(), until: 'machines' });

  // The registry: on the cluster's network, so the nodes reach it as they would a private registry.
  registryName = `${lab.machinePrefix}-registry`;
  const { tag: base } = await ensureLabImage(hostDocker, 'standin-base', { debianMirror: lab.debianMirror });
  // A fixed address on the cluster's subnet (the nodes are at host numbers 10 and up): its
  // certificate must name it before the registry first starts.
  const network = `${lab.machinePrefix}-net`;
  const subnet = (
    (await hostDocker.getNetwork(network).inspect()) as { IPAM: { Config: { Subnet: string }[] } }
  ).IPAM.Config[0].Subnet;
  const octets = subnet.split('/')[0].split('.').map(Number);
  const ip = [...octets.slice(0, 3), octets[3] + 200].join('.');
  const container = await hostDocker.createContainer({
    name: registryName,
    Image: base,
    Entrypoint: ['/usr/bin/docker-registry'],
    Cmd: ['serve', '/etc/dtr-ha-registry/config.yml'],
    Labels: { 'dtr-ha.test': 'registry-pull' },
    HostConfig: { NetworkMode: network },
    NetworkingConfig: { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: ip } } } },
  });
  registryHost = `${ip}:${registryPort}`;
  const ca = await createCertificateAuthority('dtr-ha pull test registry');
  const server = await issueServerCertificate(ca, { commonName: 'registry', ips: [ip], dnsNames: [] });
  const files: [string, string][] = [
    [
      'config.yml',
      [
        'version: 0.1',
        'storage:',
        '  filesystem:',
        '    rootdirectory: /var/lib/dtr-ha-registry',
        'http:',
        `  addr: 0.0.0.0:${registryPort}`,
        '  tls:',
        '    certificate: /etc/dtr-ha-registry/cert.pem',
        '    key: /etc/dtr-ha-registry/key.pem',
        'auth:',
        '  htpasswd:',
        '    realm: dtr-ha pull test',
        '    path: /etc/dtr-ha-registry/htpasswd',
        '',
      ].join('\n'),
    ],
    ['cert.pem', server.cert],
    ['key.pem', server.key],
    // The registry's htpasswd backend reads bcrypt hashes only.
    ['htpasswd', `${username}:${hashSync(password, 10)}\n`],
  ];
  for (const [name, content] of files) {
    await container.putArchive(
      await tarSingleFile(`dtr-ha-registry/${name}`, content, 0o600, ['dtr-ha-registry']),
      {
        path: '/etc',
      },
    );
  }
  await container.start();
  // Up when it refuses an anonymous /v2/ with 401 over TLS verified against its CA.
  await waitFor(
    `the registry at ${registryHost}`,
    () =>
      new Promise<true | undefined>((resolve) => {
        https
          .get(`https://${registryHost}/v2/`, { ca: ca.cert, timeout: 2_000 }, (res) => {
            res.resume();
            resolve(res.statusCode === 401 ? true : undefined);
          })
          .on('error', () => resolve(undefined));
      }),
    { timeoutMs: 30_000, intervalMs: 300 },
  );
  for (const machine of machines.handles) {
    await machine.upload(`/etc/docker/certs.d/${registryHost}/ca.crt`, ca.cert, 0o644);
  }

  // Push the stand-ins and every image they list, from the first node (which trusts the registry).
  const [pusher] = machines.handles;
  const listing = releaseProfileOf(lab).imageListing;
  for (const [image, product] of [
    [lab.ucp.image, 'ucp'],
    [lab.dtr.image, 'dtr'],
  ] as const) {
    await ensureStandinImage(hostDocker, image, { debianMirror: lab.debianMirror });
    const components = await listComponentImages(hostDocker, image, listing[product]);
    for (const local of [image, ...components]) {
      if (local !== image) await hostDocker.getImage(image).tag(split(local));
      await transferImage(hostDocker, local, [{ name: pusher.name, docker: pusher.getClient() }]);
      const remote = `${registryHost}/${local}`;
      await pusher.getClient().getImage(local).tag(split(remote));
      const stream = (await pusher
        .getClient()
        .getImage(remote)
        .push({
          authconfig: { serveraddress: registryHost, username, password },
        })) as NodeJS.ReadableStream;
      await new Promise<void>((resolve, reject) =>
        pusher
          .getClient()
          .modem.followProgress(stream, (error: Error | null, events: { error?: string }[]) => {
            const failed = events?.find((e) => e.error);
            if (error || failed) reject(error ?? new Error(failed!.error));
            else resolve();
          }),
      );
      pushed.push(remote);
    }
  }
  // The pusher keeps nothing of what it pushed: every machine pulls everything.
  for (const reference of pushed) {
    await pusher
      .getClient()
      .getImage(reference)
      .remove({ force: true })
      .catch(() => undefined);
  }
});

afterAll(async () => {
  machines?.handles.forEach((m) => m.dispose());
  await hostDocker
    .getContainer(registryName)
    .remove({ force: true })
    .catch(() => undefined);
  await clusters?.remove();
});

test('a wrong REGISTRY_PASSWORD stops up before anything is installed, naming REGISTRY_USERNAME and the registry, never the password', async () => {
  const config = pullConfig(wrongPassword);
  const error = await up(config, { reporter: quiet(), until: 'dtr' }).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect(error!.message).toContain(`REGISTRY_USERNAME=${username}`);
  expect(error!.message).toContain(registryHost);
  expect(error!.message).not.toContain(wrongPassword);
  expect(error!.message).not.toContain(password);
  // Nothing was installed: no UCP container on any machine.
  for (const machine of machines.handles) {
    const names = (await machine.getClient().listContainers({ all: true })).flatMap((c) => c.Names);
    expect(names.filter((n) => n.startsWith('/ucp'))).toEqual([]);
  }
});

test('with the right credentials every machine pulls the installers and every image they list, then the cluster is up', async () => {
  const config = pullConfig(password);
  const result = await up(config, { reporter: quiet(), until: 'dtr' });
  try {
    const ucpImages = pushed.filter((r) => /\/ucp[^/]*:/.test(r));
    const dtrImages = pushed.filter((r) => /\/dtr[^/]*:/.test(r));
    expect(ucpImages.length).toBeGreaterThan(1);
    expect(dtrImages.length).toBeGreaterThan(1);
    const replicaMachines = new Set(result.info.dtr!.replicas.map((r) => r.machine));
    for (const machine of result.handles) {
      const wanted = [...ucpImages, ...(replicaMachines.has(machine.name) ? dtrImages : [])];
      for (const reference of wanted) {
        const image = await machine.getClient().getImage(reference).inspect();
        // Pulled, not loaded: the registry's digest is recorded.
        expect(image.RepoDigests.some((d) => d.startsWith(`${split(reference).repo}@sha256:`))).toBe(true);
      }
    }
  } finally {
    result.handles.forEach((m) => m.dispose());
  }
});
