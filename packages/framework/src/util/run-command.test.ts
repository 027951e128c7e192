import { runCommand } from './run-command';

// A child that exits before reading its input closes the pipe under the write: EPIPE on stdin. That
// is the child's business (its exit code says what happened); it must not crash this process.
test('a large input to a command that exits at once: every run returns its exit code', async () => {
  const input = 'x'.repeat(1024 * 1024); // far past a pipe's buffer, so the write is still pending
  const codes: number[] = [];
  for (let i = 0; i < 300; i++) {
    const command: [string, string[]] = i % 2 ? ['sh', ['-c', 'exit 3']] : ['true', []];
    codes.push((await runCommand(...command, { input, allowFailure: true })).code);
  }
  expect(codes).toEqual(Array.from({ length: 300 }, (_, i) => (i % 2 ? 3 : 0)));
}, 60_000);

test('a command that fails on unread input still rejects with its exit code', async () => {
  await expect(runCommand('sh', ['-c', 'exit 3'], { input: 'x'.repeat(1024 * 1024) })).rejects.toThrow(
    /exited with 3/,
  );
});
