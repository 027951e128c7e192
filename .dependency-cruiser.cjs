// The framework's layers, lowest first: the order of its pipeline. A folder may import from its own
// layer and from the layers before it, never from a later one, so each piece can be read, tested and
// replaced knowing only what lies below it. docs/architecture.md explains each layer.
//
// `npm run lint` checks this (depcruise); a new folder under packages/framework/src must be placed
// here, or the `not-in-a-layer` rule fails.
const layers = [
  ['util', 'state', 'contracts'], // retries, locks, tar, private files; the releases' reference data
  ['config'], // the variables, their schema and validation
  ['tls', 'ssh', 'engine'], // certificates, and the two clients every machine is reached through
  ['lab'], // the local lab's layout and its images (nodes, stand-ins), built from Debian packages
  ['machines'], // the Provider interface and its providers: records of reachable machines
  ['images'], // getting the products' images onto the machines
  ['storage'], // the registry's shared storage (NFS, or the lab's shared volume)
  ['products', 'releases'], // UCP and DTR: installers, names, API clients, release contracts
  ['load-balancer'], // HAProxy in front of the replicas
  ['cluster', 'faults', 'diagnostics'], // `up` as its list of steps, teardown; faults; diagnostics
  ['handoff'], // the cluster as the test processes receive it
  ['cli'], // the dtr-ha command
];

const src = '^packages/framework/src/';
const folders = (group) => `${src}(${group.join('|')})/`;

const layerRules = layers.slice(0, -1).map((group, i) => ({
  name: `layer-${group.join('+')}`,
  comment: `${group.join(', ')} must not import from a later layer (${layers
    .slice(i + 1)
    .flat()
    .join(', ')})`,
  severity: 'error',
  from: { path: folders(group) },
  to: { path: folders(layers.slice(i + 1).flat()) },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'not-in-a-layer',
      comment: 'every folder of packages/framework/src belongs to a layer of .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: src, pathNot: [`${src}index\\.ts$`, folders(layers.flat())] },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'modules that import each other cannot be understood (or loaded) one at a time',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'preset-uses-the-framework-package',
      comment: 'the preset reaches the framework through its package entry, as a consumer does',
      severity: 'error',
      from: { path: '^packages/jest-preset/src/' },
      to: { path: '^packages/framework/src/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', '\\.test\\.ts$'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
