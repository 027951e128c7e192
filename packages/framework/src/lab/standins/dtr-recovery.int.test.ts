import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { TempClusters } from '../../../test-support/temp-cluster';
import { adminPassword } from '../../cluster/admin-password';
import { DtrOperations } from '../../cluster/recovery';
import { silentWriter, StatusReporter } from '../../cluster/status';
import { planDtr } from '../../cluster/steps/dtr-plan';
import { up, type UpResult } from '../../cluster/up';
import { haproxyImageOn } from '../../load-balancer/haproxy';
import type { Machine } from '../../machines/machine';
import {
  newReplicaSettings,
  runDtr,
  runDtrPiped,
  ucpNodeName,
  type DtrReplica,
} from '../../products/dtr/dtr';
import { DtrApiClient, DtrApiError } from '../../products/dtr/dtr-client';
import { registryVolume } from '../../products/dtr/names';
import type { DtrBackup } from '../../products/dtr/recovery';
import { releaseProfileOf } from '../../releases';
import type { CommandLine } from '../../releases/profile';
import { ucp11Dtr20 } from '../../releases/ucp-1.1+dtr-2.0';
import { prepareSharedVolume, releaseSharedVolume } from '../../storage/shared-storage';
import { recipeDir } from '../lab-image';

// The DTR stand-ins' recovery commands on real lab nodes: for each release a cluster of its own,
// built by `up` (UCP, 3 DTR replicas over the shared storage, HAProxy), then `backup`, `restore` and
// (2.7) `emergency-repair`, each run with the framework's own command lines (DtrOperations over the
// release's driver; backup and restore as `docker run -i` over SSH), checked from outside: what the
// archive holds, the store's members, the store container's flags, the cluster's replicas, the
// repositories. And the refusals: what the release lacks, and what the stand-in will not do.

/* eslint-disable @typescript-eslint/no-explicit-any */
let tar: any;
beforeAll(async () => {
  tar = await import(path.join(recipeDir('standin-base'), 'rootfs/opt/standin-common/tar.js'));
});

const quiet = () => new StatusReporter(silentWriter);
const ok = (label: string, value: string) => `${label}: ${value}`;

/** A DTR command line the framework does not build (a refusal to prove). */
const raw = (args: string[], env: Record<string, string> = {}): CommandLine => ({ args, env });

/** What a failing installer run said: its error's message, or '' when it succeeded. */
const failure = (run: Promise<unknown>) =>
  run.then(
    () => '',
    (error: Error) => error.message,
  );

/** Polls `probe` every half second until it returns true; false when `timeoutMs` passed. */
async function eventually(probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (await probe().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

/** The store members replica `id`'s etcd lists, by name (etcdctl in its own container, its own certificate). */
async function storeMembers(machine: Machine, container: string): Promise<string[]> {
  const tls = '/store/tls';
  const result = await machine.ssh(
    `docker exec ${container} etcdctl --endpoints https://127.0.0.1:2379 --cacert ${tls}/ca.pem ` +
      `--cert ${tls}/member.pem --key ${tls}/member-key.pem member list -w simple`,
  );
  if (result.code !== 0) throw new Error(`etcdctl in ${container}: ${result.stderr}`);
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => line.split(', ')[2]);
}

describe.each([
  ['DTR 2.0', 'dtrrec20', {}],
  ['DTR 2.7', 'dtrrec27', { UCP_TAG: '3.2.0-standin', DTR_TAG: '2.7.0-standin' }],
] as const)('%s', (label, prefix, extra) => {
  let clusters: TempClusters;
  let cluster: UpResult;
  let operations: DtrOperations;
  let password: string;
  let replicas: DtrReplica[];
  let caPem: string;
  const namespace = 'admin';
  const repository = `recovery${process.pid}`;
  const is27 = label === 'DTR 2.7';

  const apiOf = (url: string) =>
    new DtrApiClient(
      url,
      caPem,
      { username: 'admin', password },
      {
        healthPath: releaseProfileOf(cluster.context.config).driver.dtr.healthPath,
      },
    );
  const replicaApi = (replica: DtrReplica) => apiOf(operations.replicaUrl(replica.machine));
  const storeName = (id: string) => (is27 ? `dtr-rethinkdb-${id}` : `dtr-etcd-${id}`);

  beforeAll(async () => {
    clusters = await TempClusters.create(prefix);
    const config = clusters.config(prefix, extra);
    cluster = await up(config, { reporter: quiet(), until: 'dtr' });
    password = await adminPassword(config, cluster.context.dir);
    caPem = await fs.readFile(cluster.info.dtr!.caPath, 'utf8');
    operations = await DtrOperations.open(config, cluster.handles, {
      adminPassword: password,
      reporter: quiet(),
    });
    replicas = cluster.info.dtr!.replicas.map((r) => ({
      id: r.id,
      machine: cluster.handles.find((m) => m.name === r.machine)!,
    }));
    await apiOf(cluster.info.loadBalancer!.url).createRepository(namespace, repository);
  });

  afterAll(async () => {
    cluster?.handles.forEach((m) => m.dispose());
    await clusters?.remove();
  });

  let backup: DtrBackup;

  test('backup: a tar of the configuration, the repositories, the certificates and keys; no images, no password', async () => {
    backup = await operations.backup(replicas[0]);
    const files = tar.unpack(backup.archive) as Array<{ name: string; content: Buffer }>;
    const top = `dtr-backup-v${is27 ? '2.7' : '2.0'}.0`;
    const names = files.map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining([
        `${top}/manifest.json`,
        `${top}/etcd/cluster.json`,
        `${top}/rethink/repositories.json`,
        `${top}/meta/http-secret`,
        `${top}/meta/ca/ca.pem`,
        `${top}/meta/token/signing-key.pem`,
      ]),
    );
    expect(names.filter((n) => /docker\/registry|store-members|health\//.test(n))).toEqual([]);
    const manifest = JSON.parse(files.find((f) => f.name === `${top}/manifest.json`)!.content.toString());
    expect(manifest).toMatchObject({ taken_from: replicas[0].id, config_only: false });
    const cluster = JSON.parse(files.find((f) => f.name === `${top}/etcd/cluster.json`)!.content.toString());
    expect(Object.keys(cluster.replicas).sort()).toEqual(replicas.map((r) => r.id).sort());
    const repositories = files.find((f) => f.name === `${top}/rethink/repositories.json`)!.content.toString();
    expect(repositories).toContain(`/dtr/repositories/${namespace}/${repository}`);
    expect(backup.archive.includes(Buffer.from(password))).toBe(false);
  });

  test('backup --config-only (2.0) leaves the repository metadata out; 2.7 has no such flag', async () => {
    const access = {
      ucpUrl: cluster.info.ucp!.url,
      ucpCaPem: await fs.readFile(cluster.info.ucp!.caPath, 'utf8'),
      ucpUsername: 'admin',
      ucpPassword: password,
    };
    const line = ucp11Dtr20.commands.dtrBackup({
      ...access,
      existingReplicaId: replicas[0].id,
      configOnly: true,
    });
    const image = cluster.context.config.dtr.image;
    if (!is27) {
      const files = tar.unpack(await runDtrPiped(replicas[0].machine, image, line, { logs: false }));
      expect(
        files.map((f: { name: string }) => f.name).some((n: string) => n.endsWith('repositories.json')),
      ).toBe(false);
    } else {
      // The 2.0 line, refused by 2.7 as urfave/cli refuses an unknown flag.
      expect(await failure(runDtrPiped(replicas[0].machine, image, line))).toMatch(/exited with 1/);
    }
  });

  test('what the release lacks or the stand-in will not do is refused, before anything changes', async () => {
    const image = cluster.context.config.dtr.image;
    const [first] = replicas;
    if (!is27) {
      expect(await failure(runDtr(first.machine, image, raw(['emergency-repair', '--y'])))).toMatch(
        /exited with 3: No help topic for 'emergency-repair'/,
      );
    } else {
      const env = { UCP_PASSWORD: password };
      const noYes = raw(['emergency-repair', '--existing-replica-id', first.id], env);
      expect(await failure(runDtr(first.machine, image, noYes))).toMatch(/confirm with --y/);
      expect(await failure(runDtrPiped(first.machine, image, raw(['restore'], env)))).toMatch(
        /restore needs exactly one of --dtr-use-default-storage/,
      );
    }
    // A backup on stdin is required, and it must be a backup.
    expect(
      await failure(
        runDtrPiped(first.machine, image, raw(['restore', ...(is27 ? ['--dtr-use-default-storage'] : [])]), {
          input: Buffer.from('not a tar'),
        }),
      ),
    ).toMatch(/not a DTR backup/);
    // Through a replica on another node: the stand-in reads the cluster through a replica's storage.
    const elsewhere = operations.backup({ id: replicas[1].id, machine: first.machine });
    expect(await failure(elsewhere)).toMatch(
      new RegExp(`run backup on the node of replica ${replicas[1].id}`),
    );
    // Nothing changed: every replica is still in the cluster, healthy.
    const health = (await replicaApi(first).clusterStatus()).replica_health;
    expect(replicas.map((r) => ok(r.id, health[r.id]))).toEqual(replicas.map((r) => ok(r.id, 'OK')));
  });

  test('two of three replicas lost for good; restore is refused while the others answer; the survivor loses its quorum', async () => {
    const [survivor, ...lost] = replicas;
    await operations.lose(lost[0]);
    // A restore on the lost one's machine (a fresh registry volume on the shared storage) finds the
    // cluster there, whose other replicas answer: "destroyed the old DTR fully" it is not.
    const config = cluster.context.config;
    const machine = lost[0].machine;
    const plan = await planDtr(config, cluster.context, cluster.handles, {
      dtrImage: config.dtr.image,
      haproxyImage: await haproxyImageOn(cluster.handles[0]),
      ucp: { url: cluster.info.ucp!.url, caPem: await fs.readFile(cluster.info.ucp!.caPath, 'utf8') },
      password,
      driver: releaseProfileOf(config).driver.dtr,
    });
    const id = 'abcdefabcdef';
    await prepareSharedVolume(plan.storage, cluster.handles[0], machine, registryVolume(id));
    try {
      const settings = newReplicaSettings(plan.settings, { id, node: await ucpNodeName(machine) });
      const refused = await failure(
        runDtrPiped(machine, config.dtr.image, plan.settings.driver.restore(settings), {
          input: backup.archive,
        }),
      );
      expect(refused).toMatch(/already holds DTR cluster .* whose replicas .* are running/);
    } finally {
      await releaseSharedVolume(machine, registryVolume(id));
      await machine.ssh(
        `docker rm -f ${storeName(id)}; docker volume rm -f dtr-etcd-${id} dtr-rethink-${id}`,
      );
    }

    // The second loss takes the quorum: the survivor is unhealthy, and a backup through it refused.
    await operations.lose(lost[1]);
    const noQuorum = await eventually(() =>
      replicaApi(survivor)
        .ping()
        .then(
          () => false,
          (error: unknown) => error instanceof DtrApiError && error.status === 503,
        ),
    );
    expect(noQuorum).toBe(true);
    expect(await failure(operations.backup(survivor))).toMatch(/is not healthy/);
  });

  test(
    is27
      ? 'emergency-repair: the survivor is the one member of its store and the one replica of its cluster, then one joins'
      : 'restore: a cluster of one new replica from the backup (its CA, its repositories), then one joins',
    async () => {
      const [survivor, ...lost] = replicas;
      let anchor: DtrReplica;
      if (is27) {
        await operations.emergencyRepair(survivor, lost);
        anchor = survivor;
        const store = await survivor.machine.getClient().getContainer(storeName(survivor.id)).inspect();
        // Started once with --force-new-cluster, then again without it.
        expect(store.Config.Cmd).not.toContain('--force-new-cluster');
        expect(await storeMembers(survivor.machine, storeName(survivor.id))).toEqual([survivor.id]);
      } else {
        anchor = await operations.restore(backup, survivor.machine);
        expect(anchor.id).not.toBe(survivor.id);
        // The survivor went first: "a fresh installation".
        const left = await survivor.machine.ssh(
          `docker ps -a --format '{{.Names}}' | grep -c ${survivor.id} || true`,
        );
        expect(left.stdout.trim()).toBe('0');
        // Its CA is the backed-up cluster's: clients that trusted it still do.
        expect(String((await replicaApi(anchor).axios.get('/ca')).data).trim()).toBe(caPem.trim());
      }
      const status = await replicaApi(anchor).clusterStatus();
      expect(Object.entries(status.replica_health)).toEqual([[anchor.id, 'OK']]);
      expect((await replicaApi(anchor).listRepositories(namespace)).map((r) => r.name)).toContain(repository);
      for (const replica of lost) {
        const left = await replica.machine.ssh(
          `docker ps -a --format '{{.Names}}' | grep -c ${replica.id} || true`,
        );
        expect(ok(replica.id, left.stdout.trim())).toBe(ok(replica.id, '0'));
      }

      // The others join it again, on the lost ones' machines with fresh volumes.
      const joined = await operations.join(lost[0].machine, anchor);
      await operations.balance([anchor, joined]);
      const both = (await replicaApi(joined).clusterStatus()).replica_health;
      expect(Object.keys(both).sort()).toEqual([anchor.id, joined.id].sort());
      expect(Object.values(both)).toEqual(['OK', 'OK']);
      expect((await storeMembers(joined.machine, storeName(joined.id))).sort()).toEqual(
        [anchor.id, joined.id].sort(),
      );
      expect((await replicaApi(joined).listRepositories(namespace)).map((r) => r.name)).toContain(repository);
    },
  );
});
