import type { Config } from '../../config';
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

  test('power from the configuration alone: the lab and docker-machine have it, generic hosts not', () => {
    for (const driver of ['local', 'amazonec2']) {
      const power = providerRegistration(driver).power?.(config(driver));
      expect(typeof power?.stopMachine).toBe('function');
      expect(typeof power?.startMachine).toBe('function');
    }
    expect(providerRegistration('generic').power).toBeUndefined();
  });
});

/** Enough configuration for a registration's power, which reads only names. */
function config(machineDriver: string): Config {
  return { machineDriver, machinePrefix: 'dtrha', machineCreateFlags: [] } as unknown as Config;
}
