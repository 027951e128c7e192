// Jest preset figures for `npm run bench`: the preset's globalSetup cold (machines and, by default, UCP
// built from nothing) against warm (the same cluster reused) in this run, a watch-mode repeat, and how
// long a test file takes to load its DTRHATestSuite. DTR_HA_UNTIL picks how far globalSetup builds
// (default `ucp`, as in a real run).
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const fw = require('../packages/framework/dist');
const preset = require('../packages/jest-preset/dist');

const presetDist = path.join(__dirname, '..', 'packages', 'jest-preset', 'dist');

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function msSince(started) {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** What a test file pays before load(): requiring the preset (and the framework) in a fresh process. */
function requireMs() {
  const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(presetDist)}); console.log(Number(process.hrtime.bigint() - t) / 1e6);`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`requiring the preset failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}

async function presetBench({ stateDir, time, record, quiet }) {
  const until = fw.loadConfig({ env: process.env }).tests.until;
  const env = {
    ...process.env,
    MACHINE_PREFIX: `benchp${process.pid}`,
    NUM_MACHINES: '4',
    DTR_HA_STATE_DIR: stateDir,
    DTR_HA_UNTIL: until,
    // Warm means reused, also where CI is set (whose defaults are a clean cluster, purged at the end).
    REUSE_MACHINES: '1',
    PURGE_MACHINES: '0',
  };
  const options = { env, cwd: stateDir, reporter: quiet() };
  try {
    const cold = await time(() => preset.setup(options));
    const repeat = await time(() => preset.setup(options));
    await preset.teardown();
    const warm = await time(() => preset.setup(options));
    const reused = Object.values(warm.value.actions).every((a) => a === 'reused');
    record('preset.globalSetup', {
      until,
      coldSeconds: cold.seconds,
      warmSeconds: warm.seconds,
      coldOverWarm: cold.seconds / warm.seconds,
      warmReusedAll: reused ? 'yes' : 'no',
      watchRepeatSeconds: repeat.seconds,
      warmTargetSeconds: 2,
      warmMet: warm.seconds <= 2 ? 'yes' : 'no',
    });

    // A test file's load(): the handoff and the configuration, no network.
    const loadOptions = { env, cwd: stateDir };
    const loads = [];
    const syncLoads = [];
    for (let i = 0; i < 20; i++) {
      let started = process.hrtime.bigint();
      const suite = await preset.DTRHATestSuite.load(loadOptions);
      loads.push(msSince(started));
      await suite.teardown();
      started = process.hrtime.bigint();
      const syncSuite = preset.DTRHATestSuite.loadSync(loadOptions);
      syncLoads.push(msSince(started));
      await syncSuite.teardown();
    }
    const requires = [requireMs(), requireMs(), requireMs()];
    record('preset.suiteLoad', {
      firstMs: loads[0],
      medianMs: median(loads),
      maxMs: Math.max(...loads),
      loadSyncMedianMs: median(syncLoads),
      requirePresetMedianMs: median(requires),
      targetMs: 100,
      met: Math.max(...loads) <= 100 ? 'yes' : 'no',
    });
  } finally {
    await preset.teardown({ purge: true, reporter: quiet() }).catch(() => undefined);
    // Also when globalSetup failed half-way (machines made, no run state to tear down).
    await fw.down(fw.loadConfig(options), { reporter: quiet() }).catch(() => undefined);
  }
}

module.exports = { presetBench };
