import { loadConfig } from '../config';
import { imageDelivery } from './cluster-images';

const HUB = 'https://index.docker.io/v1/';

function registry() {
  return loadConfig({
    env: { REGISTRY_USERNAME: 'ci', REGISTRY_PASSWORD: 'pull-secret', REGISTRY_EMAIL: 'ci@example.com' },
    cwd: '/nonexistent-dir-for-dotenv',
  }).registry;
}

describe('imageDelivery', () => {
  test('a copied image carries no credentials', () => {
    expect(imageDelivery('dtrha-lab/ucp:standin', false, registry())).toEqual({
      image: 'dtrha-lab/ucp:standin',
      pull: false,
    });
  });

  test.each([
    ['dockerorcadev/ucp:1.1.0', HUB],
    ['ucp:1.1.0', HUB],
    ['localhost/team/ucp:1.1.0', 'localhost'],
    ['localhost:5000/ucp:1.1.0', 'localhost:5000'],
    ['registry.example.com/team/dtr:2.0.0', 'registry.example.com'],
  ])('pulling %s uses the credentials for %s', (image, serveraddress) => {
    // The configuration keeps the password non-enumerable; the pull must still get it.
    expect(imageDelivery(image, true, registry())).toEqual({
      image,
      pull: true,
      auth: { serveraddress, username: 'ci', password: 'pull-secret', email: 'ci@example.com' },
    });
  });
});
