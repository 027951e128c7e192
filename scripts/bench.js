#!/usr/bin/env node
// `npm run bench`: figures printed and written to bench-results/bench.json. Each target is compared
// with a baseline measured in the same run, on the same machine, so a slow box does not lie.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Docker = require('dockerode');
const fw = require('../packages/framework/dist');
const cluster = require('./bench-cluster');

const results = {
  machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
  figures: {},
};
const quiet = () => new fw.StatusReporter(fw.silentWriter);

async function time(run) {
  const started = process.hrtime.bigint();
  const value = await run();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, value };
}

function record(name, figure) {
  results.figures[name] = figure;
  const parts = Object.entries(figure).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toFixed(3) : v}`);
  console.log(`${name}: ${parts.join(' ')}`);
}

async function machinesBench(stateDir) {
  const config = fw.loadConfig({
    env: {
      ...process.env,
      MACHINE_PREFIX: `bench${process.pid}`,
      NUM_MACHINES: '4',
      DTR_HA_STATE_DIR: stateDir,
    },
    cwd: stateDir,
  });
  // The lab's images and its engine seed are made before timing: the target is for machines, not
  // for debootstrap (a first `up` makes them, once per set of images).
  await fw.ensureLabImage(new Docker(), 'node', { debianMirror: config.debianMirror });
  await fw
    .up(config, { reporter: quiet(), until: 'machines' })
    .then((r) => r.handles.forEach((m) => m.dispose()));
  await fw.down(config, { reporter: quiet() });
  try {
    const cold = await time(() => fw.up(config, { reporter: quiet(), until: 'machines' }));
    const warm = await time(() => fw.up(config, { reporter: quiet(), until: 'machines' }));
    const reused = Object.values(warm.value.actions).every((a) => a === 'reused');
    record('machines.up', {
      coldSeconds: cold.seconds,
      warmSeconds: warm.seconds,
      coldOverWarm: cold.seconds / warm.seconds,
      warmReusedAll: reused ? 'yes' : 'no',
      coldTargetSeconds: 15,
      warmTargetSeconds: 2,
      coldMet: cold.seconds <= 15 ? 'yes' : 'no',
      warmMet: warm.seconds <= 2 ? 'yes' : 'no',
    });
  } finally {
    await fw.down(config, { reporter: quiet() });
  }
}

function benchConfig(stateDir, prefix, machines = 4, extra = {}) {
  return fw.loadConfig({
    env: {
      ...process.env,
      MACHINE_PREFIX: prefix,
      NUM_MACHINES: String(machines),
      DTR_HA_STATE_DIR: stateDir,
      ...extra,
    },
    cwd: stateDir,
  });
}

async function main() {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtrha-bench-'));
  const clusterConfig = benchConfig(stateDir, `benchc${process.pid}`);
  const tools = {
    config: clusterConfig,
    configFor: (prefix, machines) => benchConfig(stateDir, prefix, machines),
    time,
    record,
    quiet,
  };
  try {
    await machinesBench(stateDir);
    await cluster.imageTransferBench(tools);
    // Build every image first: the full-up target is for a cluster whose images exist.
    await fw
      .up(clusterConfig, { reporter: quiet(), until: 'ucp' })
      .then((r) => r.handles.forEach((m) => m.dispose()));
    const threeReplicas = await cluster.fullUpBench(tools);
    await require('./bench-preset').presetBench({ ...tools, stateDir });
    await fw.down(clusterConfig, { reporter: quiet() }).catch(() => undefined);
    await cluster.scalingBench(tools, threeReplicas);
    // The other release pair (docs/releases.md), on machines of its own, built the same way.
    await fw.down(clusterConfig, { reporter: quiet() }).catch(() => undefined);
    const otherPair = benchConfig(stateDir, `benchd${process.pid}`, 4, {
      UCP_TAG: '3.2.0-standin',
      DTR_TAG: '2.7.0-standin',
    });
    try {
      await fw
        .up(otherPair, { reporter: quiet(), until: 'ucp' })
        .then((r) => r.handles.forEach((m) => m.dispose()));
      await cluster.fullUpBench({ ...tools, config: otherPair }, 'cluster.up.ucp-3.x+dtr-2.7');
    } finally {
      await fw.down(otherPair, { reporter: quiet() }).catch(() => undefined);
    }
  } finally {
    await fw.down(clusterConfig, { reporter: quiet() }).catch(() => undefined);
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  // Ratios of figures measured above, in this run.
  const machinesCold = results.figures['machines.up'].coldSeconds;
  const clusterUp = results.figures['cluster.up'];
  record('cluster.up.ratios', {
    coldOverColdMachines: clusterUp.coldToHealthySeconds / machinesCold,
    coldOverColdMachinesTarget: 2.5,
    coldOverColdMachinesMet: clusterUp.coldToHealthySeconds / machinesCold <= 2.5 ? 'yes' : 'no',
    warmOverCold: clusterUp.warmSeconds / clusterUp.coldToHealthySeconds,
    warmOverColdTarget: 0.1,
    warmOverColdMet: clusterUp.warmSeconds / clusterUp.coldToHealthySeconds <= 0.1 ? 'yes' : 'no',
  });
  const out = path.join(__dirname, '..', 'bench-results', 'bench.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), ...results }, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
