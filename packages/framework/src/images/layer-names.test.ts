import { createHash } from 'node:crypto';
import { chainIds, entriesToLeaveOut, legacyLayerDirs } from './layer-names';

// Read off Docker 20.10: `docker save` of an image built FROM a one-layer base named the base's
// layer file 'f8a662ea…/layer.tar', whatever image on that base was saved.
const base = 'sha256:52482032b7cefcebcef24f014b189a3f0d79f354077a96d1f9d3d0557f582fbb';
const top = 'sha256:0000000000000000000000000000000000000000000000000000000000000001';
const baseDir = 'f8a662ea01d182ab6bdad2da62301cc251d6cc3bcfef47aebc6caab62309bcb3';

test('chain IDs: the first is the diff ID, each next is sha256 of "<parent chain> <diff ID>"', () => {
  const [first, second] = chainIds([base, top]);
  expect(first).toBe(base);
  expect(second).toBe(`sha256:${createHash('sha256').update(`${base} ${top}`).digest('hex')}`);
});

test('legacy layer directories match what Docker wrote, for every layer but the last', () => {
  expect(legacyLayerDirs([base, top])).toEqual([baseDir]);
  expect(legacyLayerDirs([base])).toEqual([]);
  const three = legacyLayerDirs([base, top, base]);
  expect(three[0]).toBe(baseDir);
  expect(three[1]).toMatch(/^[0-9a-f]{64}$/);
  expect(three[1]).not.toBe(baseDir);
});

test('only a bottom run of present chains is left out, in both layouts', () => {
  const [baseChain, topChain] = chainIds([base, top]);
  expect([...entriesToLeaveOut([base, top], new Set([baseChain]))]).toEqual([
    `blobs/sha256/${base.slice(7)}`,
    `${baseDir}/layer.tar`,
  ]);
  // The top layer's chain alone means nothing without the base below it.
  expect(entriesToLeaveOut([base, top], new Set([topChain])).size).toBe(0);
  // The whole image present: the OCI blobs all go; the legacy last layer is still sent.
  expect([...entriesToLeaveOut([base, top], new Set([baseChain, topChain]))]).toEqual([
    `blobs/sha256/${base.slice(7)}`,
    `${baseDir}/layer.tar`,
    `blobs/sha256/${top.slice(7)}`,
  ]);
  expect(entriesToLeaveOut([base, top], new Set()).size).toBe(0);
});
