// docs/releases.md is written by hand; this keeps it honest: each release's section cites only pages
// its contracts were read from, and names every flag and variable its builders emit.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { releaseCases } from '../../test-support/release-cases';
import type { ReleaseContract } from '../contracts';
import { ucp11Dtr20 } from './ucp-1.1+dtr-2.0';
import { ucp3xDtr27 } from './ucp-3.x+dtr-2.7';

const doc = fs.readFileSync(path.resolve(__dirname, '../../../../docs/releases.md'), 'utf8');

/** The text under `## <heading>`, up to the next `## `. */
function section(heading: string): string {
  const start = doc.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`docs/releases.md has no section "${heading}"`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

const sections = [
  ['UCP 1.1 + DTR 2.0 (`ucp-1.1+dtr-2.0`)', ucp11Dtr20],
  ['UCP 3.x + DTR 2.7 (`ucp-3.x+dtr-2.7`)', ucp3xDtr27],
] as const;

describe.each(sections)('docs/releases.md, %s', (heading, profile) => {
  const text = section(heading);
  const contracts: ReleaseContract[] = [profile.ucp, profile.dtr];

  test("every page it cites is one the pair's contracts were read from", () => {
    const cited = [...text.matchAll(/`((?:datacenter|reference|ee)\/[^`\s]+\.(?:md|json|js|html))`/g)].map(
      (m) => m[1],
    );
    expect(cited.length).toBeGreaterThan(10);
    const read = new Set(contracts.flatMap((c) => c.pages.map((p) => p.path)));
    expect(cited.filter((page) => !read.has(page))).toEqual([]);
  });

  test('it names every flag and variable the builders emit', () => {
    const emitted = releaseCases
      .filter((c) => contracts.includes(c.contract))
      .flatMap((c) => [
        ...c.line.args.filter((a) => a.startsWith('--') && !a.startsWith('---')),
        ...Object.keys(c.line.env),
      ]);
    expect(emitted.length).toBeGreaterThan(0);
    expect([...new Set(emitted)].filter((word) => !text.includes(word))).toEqual([]);
  });

  test('it gives the health path, the check, the join kind and the image listing of the profile', () => {
    expect(text).toContain(`GET ${profile.dtrHealthPath}`);
    expect(text).toContain(`\`${profile.imageListing.ucp.join(' ')}\``);
    expect(text).toContain(`\`${profile.imageListing.dtr.join(' ')}\``);
    if (profile.ucpJoin === 'swarm-join') expect(text).toContain('docker swarm join');
    if (!profile.dtrHasDestroy) expect(text).toContain('has no `destroy`');
  });
});
