import type Docker from 'dockerode';

/**
 * What a node container needs to run a nested dockerd like a host's, with `binds` for its engine's
 * state and the cluster's shared volume (an engine seed's builder is made the same way).
 */
export function nodeHostConfig(binds: string[]): Docker.HostConfig {
  return {
    // @types/dockerode lags the Engine API: CgroupnsMode (API 1.41) is real but not typed.
    ...({ CgroupnsMode: 'host' } as object),
    // --privileged fails here (CAP_SYS_RESOURCE is not in the bounding set): every other
    // capability is what a nested dockerd needs to make namespaces, mounts and iptables rules.
    CapAdd: ['ALL'],
    CapDrop: ['SYS_RESOURCE'],
    // Nested containers get their own seccomp/AppArmor profiles from the inner dockerd; the
    // outer ones would refuse the syscalls it uses to set them up.
    SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
    // The CLI's `--security-opt systempaths=unconfined`: /proc and /sys unmasked and writable,
    // which the inner dockerd needs to set sysctls and mount proc for its containers.
    ...({ MaskedPaths: [], ReadonlyPaths: [] } as object),
    // The inner runc creates device nodes for its containers. The cgroup namespace is the host's
    // (above) because the inner dockerd manages cgroups in that hierarchy, as a host's dockerd would.
    DeviceCgroupRules: ['a *:* rwm'],
    Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw', ...binds],
    // /run holds pid files and sockets that must not survive a restart, as on a host.
    Tmpfs: { '/run': 'rw,nosuid,nodev,mode=755' },
  };
}
