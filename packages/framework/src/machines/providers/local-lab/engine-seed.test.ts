import { seedKey, seedVolumeName } from './engine-seed';

const content = {
  node: 'sha256:node',
  images: { 'dtrha-lab/ucp:1.1.0-standin': 'sha256:a', 'dtrha-lab-haproxy:1': 'sha256:b' },
};

test('a seed is named by what it holds, whatever order the images come in', () => {
  const reordered = {
    node: content.node,
    images: { 'dtrha-lab-haproxy:1': 'sha256:b', 'dtrha-lab/ucp:1.1.0-standin': 'sha256:a' },
  };
  expect(seedKey(reordered)).toBe(seedKey(content));
  expect(seedVolumeName(seedKey(content))).toMatch(/^dtrha-engine-seed-[0-9a-f]{12}$/);
});

test('another image ID, another image name or another node image is another seed', () => {
  const key = seedKey(content);
  expect(seedKey({ ...content, images: { ...content.images, 'dtrha-lab-haproxy:1': 'sha256:c' } })).not.toBe(
    key,
  );
  expect(seedKey({ ...content, images: { ...content.images, 'dtrha-lab-haproxy:2': 'sha256:b' } })).not.toBe(
    key,
  );
  expect(seedKey({ ...content, node: 'sha256:other' })).not.toBe(key);
});
