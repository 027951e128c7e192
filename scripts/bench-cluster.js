// Cluster figures for `npm run bench`: image transfer to 3 nodes against one `docker save | docker load`
// CLI pipeline to 1 node (and against three such pipelines side by side), and a full cold `up` to
// healthy replicas, step by step. Every side of each comparison is measured here, in this run, on
// machines that never had the image (a removal just before a load would tax the load: the host's
// filesystem is slower to allocate inodes right after many were freed).
const os = require('node:os');
const { spawn } = require('node:child_process');
const Docker = require('dockerode');
const fw = require('../packages/framework/dist');
const { transferImage } = require('../packages/framework/dist/images/image-transfer');

/** CPU seconds spent by the whole machine (every process, every core) while `run` runs. */
async function withCpu(time, run) {
  const busy = () => os.cpus().reduce((sum, { times: t }) => sum + t.user + t.nice + t.sys + t.irq, 0);
  const before = busy();
  const timed = await time(run);
  return { ...timed, cpuSeconds: (busy() - before) / 1000 };
}

function cliPipeline(image, machine) {
  const engine = machine.record.engine;
  const load = `docker --tlsverify --tlscacert ${engine.caPath} --tlscert ${engine.certPath} --tlskey ${engine.keyPath} -H tcp://${engine.host}:${engine.port} load -q`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', `docker save ${image} | ${load}`], {
      stdio: 'pipe',
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`CLI pipeline failed: ${stderr}`)),
    );
  });
}

async function imageTransferBench({ config, configFor, time, record, quiet }) {
  const hostDocker = new Docker();
  const { tag: image } = await fw.ensureLabImage(hostDocker, 'haproxy', {
    debianMirror: config.debianMirror,
  });
  // Seven fresh machines: one for the CLI pipeline, three for the framework, three for three pipelines.
  // Nodes that start without the images (no engine seed), as real hosts do: the transfer is measured.
  const lab = { ...configFor(`${config.machinePrefix}x`, 7), labEngineSeed: false };
  const result = await fw.up(lab, { reporter: quiet(), until: 'machines' });
  const [single, ...rest] = result.handles;
  const ours = rest.slice(0, 3);
  const byHand = rest.slice(3, 6);
  const targets = ours.map((m) => ({ name: m.name, docker: m.getClient() }));
  try {
    const cli = await withCpu(time, () => cliPipeline(image, single));
    const framework = await withCpu(time, () => transferImage(hostDocker, image, targets));
    const threeClis = await withCpu(time, () => Promise.all(byHand.map((m) => cliPipeline(image, m))));
    const skip = await time(() => transferImage(hostDocker, image, targets));
    const { Size: size } = await hostDocker.getImage(image).inspect();
    const cores = os.cpus().length;
    record('images.transfer', {
      imageMB: size / 1e6,
      cliPipelineOneNodeSeconds: cli.seconds,
      frameworkThreeNodesSeconds: framework.seconds,
      ratio: framework.seconds / cli.seconds,
      ratioTarget: 1.5,
      met: framework.seconds / cli.seconds <= 1.5 ? 'yes' : 'no',
      threeCliPipelinesSeconds: threeClis.seconds,
      cpuSecondsCliOneNode: cli.cpuSeconds,
      cpuSecondsFrameworkThreeNodes: framework.cpuSeconds,
      cpuSecondsThreeCliPipelines: threeClis.cpuSeconds,
      // The framework's CPU seconds spread over every core: no schedule of that work is faster.
      cpuBoundRatioFloor: framework.cpuSeconds / cores / cli.seconds,
      alreadyThereSeconds: skip.seconds,
    });
  } finally {
    result.handles.forEach((m) => m.dispose());
    await fw.down(lab, { reporter: quiet() });
  }
}

async function fullUpBench({ config, time, record, quiet }, name = 'cluster.up') {
  // Images built before timing (the target is "with images built"); machines removed for a cold up.
  await fw.down(config, { reporter: quiet() });
  const steps = {};
  const stepTimes = new fw.StatusReporter((line) => {
    const done = /^ ✓ (.+) \((\d+\.\d) s\)$/.exec(line);
    if (done) steps[done[1]] = Number(done[2]);
  });
  const cold = await time(() => fw.up(config, { reporter: stepTimes, until: 'dtr' }));
  cold.value.handles.forEach((m) => m.dispose());
  const warm = await time(() => fw.up(config, { reporter: quiet(), until: 'dtr' }));
  warm.value.handles.forEach((m) => m.dispose());
  // The baseline, in the same run: the same cold up with every image sent to the nodes as to real
  // hosts (LAB_ENGINE_SEED=off) instead of the nodes' engines starting from the lab's seed.
  await fw.down(config, { reporter: quiet() });
  const unseeded = await time(() =>
    fw.up({ ...config, labEngineSeed: false }, { reporter: quiet(), until: 'dtr' }),
  );
  unseeded.value.handles.forEach((m) => m.dispose());
  // What each HA test file pays on a cluster kept between files: DTR removed, then installed again.
  const removal = await time(() => fw.uninstallDtr(config, { reporter: quiet() }));
  const reinstall = await time(() => fw.up(config, { reporter: quiet(), until: 'dtr' }));
  reinstall.value.handles.forEach((m) => m.dispose());
  record(`${name}.perSuiteDtr`, {
    removeSeconds: removal.seconds,
    installSeconds: reinstall.seconds,
    totalSeconds: removal.seconds + reinstall.seconds,
    targetSeconds: 12,
    met: removal.seconds + reinstall.seconds <= 12 ? 'yes' : 'no',
  });
  record(name, {
    profile: fw.releaseProfileOf(config).name,
    coldToHealthySeconds: cold.seconds,
    coldWithoutEngineSeedSeconds: unseeded.seconds,
    warmSeconds: warm.seconds,
    replicas: cold.value.info.dtr ? cold.value.info.dtr.replicas.length : 0,
    coldTargetSeconds: 20,
    met: cold.seconds <= 20 ? 'yes' : 'no',
  });
  record(`${name}.coldSteps`, steps);
  return cold.seconds;
}

/**
 * Memory each node's container uses now, from its cgroup as the engine reports it (usage less the
 * page cache it could drop, as `docker stats` shows it), in MiB: { controller, replicaMean }.
 */
async function nodeMemory(handles) {
  const hostDocker = new Docker();
  const mib = await Promise.all(
    handles.map(async (m) => {
      const stats = await hostDocker.getContainer(m.record.providerId).stats({ stream: false });
      const { usage = 0, stats: detail = {} } = stats.memory_stats || {};
      const cache = detail.inactive_file ?? detail.total_inactive_file ?? detail.cache ?? 0;
      return (usage - cache) / 2 ** 20;
    }),
  );
  const replicas = mib.slice(1);
  return { controller: mib[0], replicaMean: replicas.reduce((a, b) => a + b, 0) / replicas.length };
}

/**
 * How a cold `up` grows with the cluster: 5 and 7 replicas (NUM_MACHINES 6 and 8) against the 3 of
 * `threeReplicaSeconds` measured in this run, and the memory a node takes in each.
 */
async function scalingBench({ configFor, config, time, record, quiet }, threeReplicaSeconds) {
  const figures = {};
  for (const [machines, target] of [
    [6, 1.3],
    [8, 1.6],
  ]) {
    const sized = configFor(`${config.machinePrefix}s${machines}`, machines);
    try {
      await fw.down(sized, { reporter: quiet() });
      const cold = await time(() => fw.up(sized, { reporter: quiet(), until: 'dtr' }));
      const memory = await nodeMemory(cold.value.handles);
      cold.value.handles.forEach((m) => m.dispose());
      const replicas = machines - 1;
      Object.assign(figures, {
        [`coldSeconds${replicas}Replicas`]: cold.seconds,
        [`ratioTo3Replicas${replicas}`]: cold.seconds / threeReplicaSeconds,
        [`ratioTarget${replicas}`]: target,
        [`met${replicas}`]: cold.seconds / threeReplicaSeconds <= target ? 'yes' : 'no',
        [`controllerMiB${replicas}Replicas`]: memory.controller,
        [`replicaNodeMiB${replicas}Replicas`]: memory.replicaMean,
      });
    } finally {
      await fw.down(sized, { reporter: quiet() }).catch(() => undefined);
    }
  }
  record('cluster.up.scaling', { coldSeconds3Replicas: threeReplicaSeconds, ...figures });
}

module.exports = { imageTransferBench, fullUpBench, scalingBench, nodeMemory };
