import {
  controllerContainer,
  controllerVolumes,
  installerContainer,
  isUcpName,
  nodeCertsVolume,
} from './names';

test("UCP's own names are recognised; the installer's container and others are not", () => {
  for (const name of [controllerContainer, `/${controllerContainer}`, nodeCertsVolume, ...controllerVolumes])
    expect(isUcpName(name)).toBe(true);
  for (const name of [
    installerContainer,
    `/${installerContainer}`,
    '/dtr-nginx-0123456789ab',
    '/my-ucp-proxy',
  ])
    expect(isUcpName(name)).toBe(false);
});
