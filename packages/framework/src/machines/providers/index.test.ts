import { providerRegistration } from '.';

describe('the provider registry', () => {
  test('local, generic, and docker-machine for any other driver name', () => {
    expect(providerRegistration('local').capabilities).toEqual({
      ownsMachines: true,
      storage: 'lab-shared-volume',
      extraImages: ['nfs-ganesha'],
    });
    expect(providerRegistration('generic').capabilities).toEqual({
      ownsMachines: false,
      storage: 'nfs',
      extraImages: [],
    });
    for (const driver of ['amazonec2', 'virtualbox', 'toString', 'constructor']) {
      expect(providerRegistration(driver)).toBe(providerRegistration('amazonec2'));
    }
    expect(providerRegistration('amazonec2').capabilities).toEqual({
      ownsMachines: true,
      storage: 'nfs',
      extraImages: [],
    });
  });
});
