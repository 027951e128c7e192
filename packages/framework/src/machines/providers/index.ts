import { dockerMachine } from './docker-machine/docker-machine-provider';
import { genericHosts } from './generic/generic-provider';
import { localLab } from './local-lab/local-lab-provider';
import type { ProviderRegistration } from './registration';

export type { ProviderContext, ProviderRegistration } from './registration';

/** MACHINE_DRIVER → its provider. A new provider is its folder and one line here. */
const registered: Readonly<Record<string, ProviderRegistration>> = {
  local: localLab,
  generic: genericHosts,
};

/** The provider of a MACHINE_DRIVER: the lab, generic hosts, else docker-machine with that driver. */
export function providerRegistration(driver: string): ProviderRegistration {
  return Object.hasOwn(registered, driver) ? registered[driver] : dockerMachine;
}
