// Integration and HA tests drive real engines, nodes and clusters: minutes, not Jest's 5 s default.
// (testTimeout is a global option that Jest ignores inside `projects`, hence this setup file.)
jest.setTimeout(Number(process.env.DTR_HA_TEST_TIMEOUT_MS ?? 600_000));
