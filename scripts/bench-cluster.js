// Cluster figures for `npm run bench`: image transfer to 3 nodes against one `docker save | docker load`
// CLI pipeline to 1 node, and a full cold `up` to healthy replicas. Both sides of each ratio are
// measured here, in this run.
const { spawnSync } = require('node:child_process');
const Docker = require('dockerode');
const fw = require('../packages/framework/dist');
const { transferImage } = require('../packages/framework/dist/images/image-transfer');

async function removeFrom(machines, image) {
  await Promise.all(
    machines.map((m) =>
      m
        .getClient()
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

function cliPipeline(image, record) {
  const engine = record.engine;
  const load = `docker --tlsverify --tlscacert ${engine.caPath} --tlscert ${engine.certPath} --tlskey ${engine.keyPath} -H tcp://${engine.host}:${engine.port} load -q`;
  const result = spawnSync('bash', ['-o', 'pipefail', '-c', `docker save ${image} | ${load}`], {
    stdio: 'pipe',
  });
  if (result.status !== 0) throw new Error(`CLI pipeline failed: ${result.stderr}`);
}

async function imageTransferBench({ config, time, record, quiet }) {
  const hostDocker = new Docker();
  const { tag: image } = await fw.ensureLabImage(hostDocker, 'haproxy', {
    debianMirror: config.debianMirror,
  });
  const result = await fw.up(config, { reporter: quiet(), until: 'machines' });
  const nodes = result.handles.slice(1, 4);
  try {
    await removeFrom(nodes, image);
    const cli = await time(async () => cliPipeline(image, nodes[0].record));
    await removeFrom(nodes, image);
    const ours = await time(() =>
      transferImage(
        hostDocker,
        image,
        nodes.map((m) => ({ name: m.name, docker: m.getClient() })),
      ),
    );
    const skip = await time(() =>
      transferImage(
        hostDocker,
        image,
        nodes.map((m) => ({ name: m.name, docker: m.getClient() })),
      ),
    );
    const { Size: size } = await hostDocker.getImage(image).inspect();
    record('images.transfer', {
      imageMB: size / 1e6,
      cliPipelineOneNodeSeconds: cli.seconds,
      frameworkThreeNodesSeconds: ours.seconds,
      ratio: ours.seconds / cli.seconds,
      ratioTarget: 1.5,
      met: ours.seconds / cli.seconds <= 1.5 ? 'yes' : 'no',
      alreadyThereSeconds: skip.seconds,
    });
  } finally {
    result.handles.forEach((m) => m.dispose());
  }
}

async function fullUpBench({ config, time, record, quiet }) {
  // Images built before timing (the target is "with images built"); machines removed for a cold up.
  await fw.down(config, { reporter: quiet() });
  const cold = await time(() => fw.up(config, { reporter: quiet(), until: 'dtr' }));
  cold.value.handles.forEach((m) => m.dispose());
  const warm = await time(() => fw.up(config, { reporter: quiet(), until: 'dtr' }));
  warm.value.handles.forEach((m) => m.dispose());
  record('cluster.up', {
    coldToHealthySeconds: cold.seconds,
    warmSeconds: warm.seconds,
    replicas: cold.value.info.dtr ? cold.value.info.dtr.replicas.length : 0,
    coldTargetSeconds: 20,
    met: cold.seconds <= 20 ? 'yes' : 'no',
  });
}

module.exports = { imageTransferBench, fullUpBench };
