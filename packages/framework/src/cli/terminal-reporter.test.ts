import { renderSummary } from './terminal-reporter';

test('the summary: every step with its time, a failed one marked, then the whole', () => {
  expect(
    renderSummary([
      { title: 'Preparing cluster state for dtrha', ms: 12, ok: true },
      { title: 'Ensuring 4 machines (local)', ms: 3_912, ok: true },
      { title: 'Installing UCP and joining the other machines', ms: 12_345, ok: false },
    ]),
  ).toBe(
    ' Steps:\n' +
      '    0.0 s  Preparing cluster state for dtrha\n' +
      '    3.9 s  Ensuring 4 machines (local)\n' +
      '   12.3 s  ✗ Installing UCP and joining the other machines\n' +
      '   16.3 s  in all\n',
  );
  expect(renderSummary([])).toBe('');
});
