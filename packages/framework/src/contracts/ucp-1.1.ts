// UCP 1.1 (`docker/ucp` image), transcribed from docker/docs `datacenter/ucp/1.1/...`.
// Data only; see README.md for how it was read and what the fields mean.
import type { FlagSpec, ReleaseContract } from './types';

const REF = 'datacenter/ucp/1.1/reference';
const INDEX = `${REF}/index.md`;
const INSTALL = `${REF}/install.md`;
const JOIN = `${REF}/join.md`;
const UNINSTALL = `${REF}/uninstall.md`;
const FINGERPRINT = `${REF}/fingerprint.md`;
const ID = `${REF}/id.md`;
const IMAGES = `${REF}/images.md`;
const BACKUP = `${REF}/backup.md`;
const RESTORE = `${REF}/restore.md`;
const UPGRADE = `${REF}/upgrade.md`;
const ENGINE_DISCOVERY = `${REF}/engine-discovery.md`;
const REGEN_CERTS = `${REF}/regen-certs.md`;
const DUMP_CERTS = `${REF}/dump-certs.md`;
const SUPPORT = `${REF}/support.md`;
const STOP = `${REF}/stop.md`;
const RESTART = `${REF}/restart.md`;
const HELP = `${REF}/help.md`;
const ARCHITECTURE = 'datacenter/ucp/1.1/architecture.md';
const SYSTEM_REQUIREMENTS = 'datacenter/ucp/1.1/installation/system-requirements.md';
const PLAN = 'datacenter/ucp/1.1/installation/plan-production-install.md';
const INSTALL_PRODUCTION = 'datacenter/ucp/1.1/installation/install-production.md';
const HA = 'datacenter/ucp/1.1/high-availability/set-up-high-availability.md';
const DTR_INSTALL = 'datacenter/dtr/2.0/install/index.md';

// The two switches most UCP 1.1 command pages list first; each use adds the page's own wording.
const DEBUG: Omit<FlagSpec, 'description' | 'source'> = {
  name: '--debug',
  aliases: ['-D'],
  takesValue: false,
  valueMarkedOnPage: false,
};
const JSONLOG: Omit<FlagSpec, 'description' | 'source'> = {
  name: '--jsonlog',
  takesValue: false,
  valueMarkedOnPage: false,
};

export const ucp11: ReleaseContract = {
  product: 'ucp',
  line: '1.1',
  referenceDir: REF,
  image: 'docker/ucp',
  invocation: {
    usage:
      'docker run --rm -it \\\n    --name ucp \\\n    -v /var/run/docker.sock:/var/run/docker.sock \\\n    docker/ucp \\\n    command [arguments...]',
    notes: [
      'This tool must run as a container with a well-known name and with the docker.sock volume mounted, which you can cut-and-paste from the usage example below.',
      "Many settings can be passed as flags or environment variables. When passing as an environment variable, use the 'docker run -e VARIABLE_NAME ...' syntax to pass the value from your shell, or 'docker run -e VARIABLE_NAME=value ...' to specify the value explicitly on the command line.",
      "Additional help is available for each command with the '--help' option.",
      'fingerprint, id, dump-certs and support pages run it without -it (`docker run --rm --name ucp ...`); backup and restore with -i only (`docker run --rm -i --name ucp ...`), streaming the tar on stdout/stdin.',
    ],
    source: INDEX,
  },
  globalFlags: [
    {
      name: '--help',
      aliases: ['h'],
      takesValue: false,
      valueMarkedOnPage: false,
      description: 'Show help',
      source: INDEX,
      notes: ["The page prints the alias as 'h', without a dash."],
    },
    {
      name: '--version',
      aliases: ['-v'],
      takesValue: false,
      valueMarkedOnPage: false,
      description: 'Print the version',
      source: INDEX,
    },
  ],
  commands: [
    {
      name: 'install',
      description: 'Install UCP on this engine',
      usage:
        'docker run --rm -it \\\n  --name ucp \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  docker/ucp \\\n  install [command options]',
      flagsFrom: 'page',
      source: INSTALL,
      flags: [
        { ...DEBUG, description: 'Enable debug.', source: INSTALL },
        { ...JSONLOG, description: 'Produce json formatted output for easier parsing.', source: INSTALL },
        {
          name: '--interactive',
          aliases: ['-i'],
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Enable interactive mode.,You will be prompted to enter all required information.',
          source: INSTALL,
        },
        {
          name: '--admin-username',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'UCP_ADMIN_USER',
          description: 'Specify the UCP admin username [$UCP_ADMIN_USER]',
          source: INSTALL,
        },
        {
          name: '--admin-password',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'UCP_ADMIN_PASSWORD',
          description: 'Specify the UCP admin password [$UCP_ADMIN_PASSWORD]',
          source: INSTALL,
        },
        {
          name: '--fresh-install',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Destroy any existing state and start fresh.',
          source: INSTALL,
        },
        {
          name: '--san',
          takesValue: true,
          valueMarkedOnPage: true,
          repeatable: true,
          description:
            'Additional Subject Alternative Names for certs. For example, `--san foo1.bar.com --san foo2.bar.com`.',
          source: INSTALL,
        },
        {
          name: '--host-address',
          takesValue: true,
          valueMarkedOnPage: false,
          description: 'Specify the visible IP for this node.',
          source: INSTALL,
          notes: ['The install page names no environment variable; the join page gives $UCP_HOST_ADDRESS.'],
        },
        {
          name: '--swarm-port',
          takesValue: true,
          valueMarkedOnPage: true,
          default: '2376',
          description: 'Select what port to run the local Swarm manager on (default: 2376)',
          source: INSTALL,
        },
        {
          name: '--controller-port',
          takesValue: true,
          valueMarkedOnPage: true,
          default: '443',
          description: 'Select what port to run the local Controller on (default: 443)',
          source: INSTALL,
        },
        {
          name: '--dns',
          takesValue: true,
          valueMarkedOnPage: true,
          repeatable: true,
          description: 'Set custom DNS servers for the UCP infrastructure containers.',
          source: INSTALL,
        },
        {
          name: '--dns-opt',
          takesValue: true,
          valueMarkedOnPage: true,
          repeatable: true,
          description: 'Set DNS options for the UCP infrastructure containers.',
          source: INSTALL,
        },
        {
          name: '--dns-search',
          takesValue: true,
          valueMarkedOnPage: true,
          repeatable: true,
          description: 'Set custom DNS search domains for the UCP infrastructure containers.',
          source: INSTALL,
        },
        {
          name: '--kv-timeout',
          takesValue: true,
          valueMarkedOnPage: false,
          description: 'Timeout in milliseconds for the KV store (set higher for a multi-datacenter cluster)',
          source: INSTALL,
        },
        {
          name: '--kv-snapshot-count',
          takesValue: true,
          valueMarkedOnPage: false,
          default: '10000',
          description:
            'Number of changes between KV store snapshots (all controllers must use the same value) (default: 10000)',
          source: INSTALL,
        },
        {
          name: '--registry-username',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'REGISTRY_USERNAME',
          description: 'Specify the username to pull required images with [$REGISTRY_USERNAME]',
          source: INSTALL,
        },
        {
          name: '--registry-password',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'REGISTRY_PASSWORD',
          description: 'Specify the password to pull required images with [$REGISTRY_PASSWORD]',
          source: INSTALL,
        },
        {
          name: '--swarm-experimental',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Enable experimental Swarm features. Note: Use only for install, not join).',
          source: INSTALL,
        },
        {
          name: '--disable-tracking',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Disable anonymous tracking and analytics.',
          source: INSTALL,
        },
        {
          name: '--disable-usage',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Disable anonymous usage reporting.',
          source: INSTALL,
        },
        {
          name: '--external-server-cert',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Set up UCP with an external CA.',
          source: INSTALL,
        },
        {
          name: '--preserve-certs',
          takesValue: false,
          valueMarkedOnPage: false,
          description: "Don't (re)generate certs on the host if existing ones are found.",
          source: INSTALL,
        },
        {
          name: '--binpack',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Set Swarm scheduler to binpack mode (default spread).',
          source: INSTALL,
        },
        {
          name: '--random',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Set Swarm scheduler to random mode (default spread).',
          source: INSTALL,
        },
        {
          name: '--pull',
          takesValue: true,
          valueMarkedOnPage: true,
          default: 'missing',
          description:
            'Specify image pull behavior (`always`, when `missing`, or `never`) (default: "missing")',
          source: INSTALL,
        },
        {
          name: '--skip-engine-discovery',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Do not configure engine for clustering',
          source: INSTALL,
        },
      ],
      notes: [
        'The stored install page lists no --image-version flag (see undocumented).',
        "You can inject a license file during install by mounting the file as a volume at '/docker_subscription.lic' in the tool.",
      ],
    },
    {
      name: 'join',
      description: 'Join this engine to an existing UCP',
      usage:
        'docker run --rm -it \\\n  --name ucp \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  docker/ucp \\\n  join [command options]',
      flagsFrom: 'page',
      source: JOIN,
      flags: [
        { ...DEBUG, description: 'Enable debug.', source: JOIN },
        { ...JSONLOG, description: 'Produce json formatted output for easier parsing.', source: JOIN },
        {
          name: '--interactive',
          aliases: ['-i'],
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Enable interactive mode. You will be prompted to enter all required information.',
          source: JOIN,
        },
        {
          name: '--admin-username',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'UCP_ADMIN_USER',
          description: 'Specify the UCP admin username [$UCP_ADMIN_USER]',
          source: JOIN,
        },
        {
          name: '--admin-password',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'UCP_ADMIN_PASSWORD',
          description: 'Specify the UCP admin password [$UCP_ADMIN_PASSWORD]',
          source: JOIN,
        },
        {
          name: '--fresh-install',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Destroy any existing state and start fresh.',
          source: JOIN,
        },
        {
          name: '--san',
          takesValue: true,
          valueMarkedOnPage: true,
          repeatable: true,
          description:
            'Additional Subject Alternative Names for certs. For example, `--san foo1.bar.com --san foo2.bar.com`.',
          source: JOIN,
        },
        {
          name: '--host-address',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'UCP_HOST_ADDRESS',
          description:
            'Specify the visible IP/hostname for this node. (override automatic detection) [$UCP_HOST_ADDRESS]',
          source: JOIN,
        },
        {
          name: '--swarm-port',
          takesValue: true,
          valueMarkedOnPage: true,
          default: '2376',
          description: 'Select what port to run the local Swarm manager on (default: 2376)',
          source: JOIN,
        },
        {
          name: '--controller-port',
          takesValue: true,
          valueMarkedOnPage: true,
          default: '443',
          description: 'Select what port to run the local Controller on (default: 443)',
          source: JOIN,
        },
        {
          name: '--dns',
          takesValue: true,
          valueMarkedOnPage: true,
          repeatable: true,
          description: 'Set custom DNS servers for the UCP infrastructure containers.',
          source: JOIN,
        },
        {
          name: '--dns-opt',
          takesValue: true,
          valueMarkedOnPage: true,
          repeatable: true,
          description: 'Set DNS options for the UCP infrastructure containers.',
          source: JOIN,
        },
        {
          name: '--dns-search',
          takesValue: true,
          valueMarkedOnPage: true,
          repeatable: true,
          description: 'Set custom DNS search domains for the UCP infrastructure containers.',
          source: JOIN,
        },
        {
          name: '--registry-username',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'REGISTRY_USERNAME',
          description: 'Specify the username to pull required images with [$REGISTRY_USERNAME]',
          source: JOIN,
        },
        {
          name: '--registry-password',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'REGISTRY_PASSWORD',
          description: 'Specify the password to pull required images with [$REGISTRY_PASSWORD]',
          source: JOIN,
        },
        {
          name: '--url',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'UCP_URL',
          description: 'The connection URL for the remote UCP controller [$UCP_URL]',
          source: JOIN,
        },
        {
          name: '--fingerprint',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'UCP_FINGERPRINT',
          description: 'The fingerprint of the UCP controller you trust [$UCP_FINGERPRINT]',
          source: JOIN,
        },
        {
          name: '--replica',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Configure this node to be a UCP controller replica.',
          source: JOIN,
        },
        {
          name: '--external-server-cert',
          takesValue: false,
          valueMarkedOnPage: false,
          description: '(Replica only) Use externally signed certificates for the controller.',
          source: JOIN,
        },
        {
          name: '--pull',
          takesValue: true,
          valueMarkedOnPage: true,
          default: 'missing',
          description:
            "Specify image pull behavior ('always', when 'missing', or 'never') (default: \"missing\")",
          source: JOIN,
        },
        {
          name: '--passphrase',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'UCP_PASSPHRASE',
          description: 'Decrypt the Root CA tar file with the provided passphrase [$UCP_PASSPHRASE]',
          source: JOIN,
        },
        {
          name: '--skip-engine-discovery',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Do not configure engine for clustering',
          source: JOIN,
        },
      ],
      notes: [
        'Unlike install, the join page lists no --kv-timeout, --kv-snapshot-count, --swarm-experimental, --disable-tracking, --disable-usage, --preserve-certs, --binpack or --random.',
      ],
    },
    {
      name: 'uninstall',
      description: 'Uninstall UCP components from this engine',
      usage:
        'docker run --rm -it \\\n  --name ucp \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  docker/ucp \\\n  uninstall [command options]',
      flagsFrom: 'page',
      source: UNINSTALL,
      flags: [
        { ...DEBUG, description: 'Enable debug', source: UNINSTALL },
        { ...JSONLOG, description: 'Produce json formatted output for easier parsing', source: UNINSTALL },
        {
          name: '--interactive',
          aliases: ['-i'],
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Enable interactive mode.,You are prompted to enter all required information',
          source: UNINSTALL,
        },
        {
          name: '--pull',
          takesValue: true,
          valueMarkedOnPage: false,
          default: 'missing',
          description:
            "Specify image pull behavior ('always', when 'missing', or 'never') (default: \"missing\")",
          source: UNINSTALL,
        },
        {
          name: '--registry-username',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'REGISTRY_USERNAME',
          description: 'Specify the username to pull required images with [$REGISTRY_USERNAME]',
          source: UNINSTALL,
        },
        {
          name: '--registry-password',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'REGISTRY_PASSWORD',
          description: 'Specify the password to pull required images with [$REGISTRY_PASSWORD]',
          source: UNINSTALL,
        },
        {
          name: '--id',
          takesValue: true,
          valueMarkedOnPage: false,
          description: 'The ID of the UCP instance to uninstall',
          source: UNINSTALL,
        },
        {
          name: '--preserve-certs',
          takesValue: false,
          valueMarkedOnPage: false,
          description: "Don't delete the certs on the host",
          source: UNINSTALL,
        },
        {
          name: '--preserve-images',
          takesValue: false,
          valueMarkedOnPage: false,
          description: "Don't delete images on the host",
          source: UNINSTALL,
        },
      ],
    },
    {
      name: 'fingerprint',
      description: 'Dump out the TLS fingerprint for the UCP controller running on this engine',
      usage:
        'docker run --rm \\\n  --name ucp \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  docker/ucp \\\n  fingerprint',
      flagsFrom: 'no-options-section',
      flags: [],
      source: FINGERPRINT,
      notes: [
        "This utility will display the certificate fingerprint of the UCP controller running on the local engine.  This can be used when scripting 'join' operations for the '--fingerprint' flag.",
      ],
    },
    {
      name: 'id',
      description: 'Dump out the ID of the UCP components running on this engine',
      usage:
        'docker run --rm \\\n  --name ucp \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  docker/ucp \\\n  id',
      flagsFrom: 'no-options-section',
      flags: [],
      source: ID,
      notes: [
        "This ID matches what you see when you run 'docker info' pointed to the UCP controller(s) and is required by various commands in this tool as confirmation.",
      ],
    },
    {
      name: 'images',
      description: 'Verify the UCP images on this engine',
      usage:
        'docker run --rm -it \\\n  --name ucp \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  docker/ucp \\\n  images [command options]',
      flagsFrom: 'page',
      source: IMAGES,
      flags: [
        { ...DEBUG, description: 'Enable debug', source: IMAGES },
        { ...JSONLOG, description: 'Produce json formatted output for easier parsing', source: IMAGES },
        {
          name: '--registry-username',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'REGISTRY_USERNAME',
          description: 'Specify the username to pull required images with [$REGISTRY_USERNAME]',
          source: IMAGES,
        },
        {
          name: '--registry-password',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'REGISTRY_PASSWORD',
          description: 'Specify the password to pull required images with [$REGISTRY_PASSWORD]',
          source: IMAGES,
        },
        {
          name: '--pull',
          takesValue: true,
          valueMarkedOnPage: true,
          default: 'missing',
          description:
            "Specify image pull behavior ('always', when 'missing', or 'never') (default: \"missing\")",
          source: IMAGES,
        },
        {
          name: '--list',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Don`t do anything, just list the images used by UCP',
          source: IMAGES,
        },
      ],
      notes: ["By default, this will pull any missing images. Use the '--pull' argument to change behavior."],
    },
    {
      name: 'backup',
      description: 'Stream a tar file to stdout containing all UCP data volumes',
      usage:
        'docker run --rm -i \\\n  --name ucp \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  docker/ucp \\\n  backup [command options] > backup.tar',
      flagsFrom: 'page',
      source: BACKUP,
      flags: [
        { ...DEBUG, description: 'Enable debug mode', source: BACKUP },
        { ...JSONLOG, description: 'Produce json formatted output for easier parsing', source: BACKUP },
        {
          name: '--id',
          takesValue: true,
          valueMarkedOnPage: false,
          description: 'The ID of the UCP instance to backup',
          source: BACKUP,
        },
        {
          name: '--root-ca-only',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Backup only the root CA certificates and keys from this controller node',
          source: BACKUP,
        },
        {
          name: '--passphrase',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'UCP_PASSPHRASE',
          description: 'Encrypt the tar file with the provided passphrase [$UCP_PASSPHRASE]',
          source: BACKUP,
        },
        {
          name: '--interactive',
          aliases: ['-i'],
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Enable interactive mode. You will be prompted to enter all required information.',
          source: BACKUP,
        },
      ],
    },
    {
      name: 'restore',
      description: 'Stream a tar file on stdin containing all local UCP data volumes',
      usage:
        'docker run --rm -i \\\n  --name ucp \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  docker/ucp \\\n  restore [command options] < backup.tar',
      flagsFrom: 'page',
      source: RESTORE,
      flags: [
        { ...DEBUG, description: 'Enable debug mode', source: RESTORE },
        { ...JSONLOG, description: 'Produce json formatted output for easier parsing', source: RESTORE },
        {
          name: '--id',
          takesValue: true,
          valueMarkedOnPage: false,
          required: true,
          description: 'The ID of the UCP instance to backup',
          source: RESTORE,
          notes: [
            'The restore page describes --id as "to backup" (sic).',
            'Required: \'To prevent accidental use, the "-id" flag must be provided.\'',
          ],
        },
        {
          name: '--root-ca-only',
          takesValue: false,
          valueMarkedOnPage: false,
          description:
            'Restore only the root CA certificates and keys on this controller node (leaving all other data intact)',
          source: RESTORE,
        },
        {
          name: '--passphrase',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'UCP_PASSPHRASE',
          description: 'Decrypt the tar file with the provided passphrase [$UCP_PASSPHRASE]',
          source: RESTORE,
        },
        {
          name: '--interactive',
          aliases: ['-i'],
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Enable interactive mode. You will be prompted to enter all required information.',
          source: RESTORE,
        },
      ],
    },
    {
      name: 'upgrade',
      description: 'Upgrade the UCP components on this engine',
      usage:
        'docker run --rm -it \\\n  --name ucp \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  docker/ucp \\\n  upgrade [OPTIONS]',
      flagsFrom: 'page',
      source: UPGRADE,
      flags: [
        { ...DEBUG, description: 'Enable debug', source: UPGRADE },
        { ...JSONLOG, description: 'Produce json formatted output for easier parsing', source: UPGRADE },
        {
          name: '--interactive',
          aliases: ['-i'],
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Enable interactive mode.,You will be prompted to enter all required information',
          source: UPGRADE,
        },
        {
          name: '--admin-username',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'UCP_ADMIN_USER',
          description: 'Specify the UCP admin username [$UCP_ADMIN_USER]',
          source: UPGRADE,
        },
        {
          name: '--admin-password',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'UCP_ADMIN_PASSWORD',
          description: 'Specify the UCP admin password [$UCP_ADMIN_PASSWORD]',
          source: UPGRADE,
        },
        {
          name: '--registry-username',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'REGISTRY_USERNAME',
          description: 'Specify the username to pull required images with [$REGISTRY_USERNAME]',
          source: UPGRADE,
        },
        {
          name: '--registry-password',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'REGISTRY_PASSWORD',
          description: 'Specify the password to pull required images with [$REGISTRY_PASSWORD]',
          source: UPGRADE,
        },
        {
          name: '--id',
          takesValue: true,
          valueMarkedOnPage: false,
          description: 'The ID of the UCP instance to upgrade',
          source: UPGRADE,
        },
        {
          name: '--pull',
          takesValue: true,
          valueMarkedOnPage: true,
          default: 'missing',
          description:
            "Specify image pull behavior ('always', when 'missing', or 'never') (default: \"missing\")",
          source: UPGRADE,
          notes: [
            'The option column shows `--pull "always"` while the description says (default: "missing").',
          ],
        },
      ],
    },
    {
      name: 'engine-discovery',
      description: 'Manage the engine discovery configuration',
      usage:
        'docker run --rm -it \\\n  --name ucp \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  docker/ucp \\\n  engine-discovery [options]',
      flagsFrom: 'page',
      source: ENGINE_DISCOVERY,
      flags: [
        { ...DEBUG, description: 'Enable debug', source: ENGINE_DISCOVERY },
        {
          ...JSONLOG,
          description: 'Produce json formatted output for easier parsing',
          source: ENGINE_DISCOVERY,
        },
        {
          name: '--update',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Apply engine discovery configuration changes',
          source: ENGINE_DISCOVERY,
        },
        {
          name: '--controller',
          takesValue: true,
          valueMarkedOnPage: true,
          repeatable: true,
          description: 'Update discovery with the external IP address or hostname of the controller(s)',
          source: ENGINE_DISCOVERY,
        },
        {
          name: '--host-address',
          takesValue: true,
          valueMarkedOnPage: false,
          env: 'UCP_HOST_ADDRESS',
          description:
            'Update the external IP address or hostname this node advertises itself as [$UCP_HOST_ADDRESS]',
          source: ENGINE_DISCOVERY,
        },
      ],
    },
    {
      name: 'regen-certs',
      description: 'Regenerate keys and certificates for a UCP controller',
      usage:
        '$ docker run --rm -it \\\n     --name ucp \\\n     -v /var/run/docker.sock:/var/run/docker.sock \\\n     docker/ucp \\\n     regen-certs [command options]',
      flagsFrom: 'page',
      source: REGEN_CERTS,
      flags: [
        { ...DEBUG, description: 'Enable debug mode', source: REGEN_CERTS },
        { ...JSONLOG, description: 'Produce json formatted output for easier parsing', source: REGEN_CERTS },
        {
          name: '--interactive',
          aliases: ['-i'],
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Enable interactive mode.  You will be prompted to enter all required information',
          source: REGEN_CERTS,
        },
        {
          name: '--root-ca-only',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Regenerate the Root CAs on this node (Do only once in an HA cluster!)',
          source: REGEN_CERTS,
        },
        {
          name: '--id',
          takesValue: true,
          valueMarkedOnPage: false,
          description: 'The ID of the UCP instance to regenerate certificates for',
          source: REGEN_CERTS,
        },
        {
          name: '--san',
          takesValue: true,
          valueMarkedOnPage: true,
          repeatable: true,
          description:
            'Additional Subject Alternative Names for certs. For example, `--san foo1.bar.com --san foo2.bar.com`',
          source: REGEN_CERTS,
        },
        {
          name: '--external-server-cert',
          takesValue: false,
          valueMarkedOnPage: false,
          description:
            'Omit regenerating the UCP Controller web server certificate signed with an external CA',
          source: REGEN_CERTS,
        },
      ],
    },
    {
      name: 'dump-certs',
      description: 'Dump out the public certs for this UCP controller',
      usage:
        'docker run --rm \\\n  --name ucp \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  docker/ucp \\\n  dump-certs [command options]',
      flagsFrom: 'page',
      source: DUMP_CERTS,
      flags: [
        { ...DEBUG, description: 'Enable debug', source: DUMP_CERTS },
        { ...JSONLOG, description: 'Produce json formatted output for easier parsing', source: DUMP_CERTS },
        {
          name: '--ca',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Dump only the contents of the `ca.pem` file (default is to dump both ca and cert)',
          source: DUMP_CERTS,
        },
        {
          name: '--cluster',
          takesValue: false,
          valueMarkedOnPage: false,
          description: 'Dump the internal UCP Cluster Root CA and cert instead of the public server cert',
          source: DUMP_CERTS,
        },
      ],
    },
    {
      name: 'support',
      description: 'Generate a support dump for this engine',
      usage:
        'docker run --rm \\\n  --name ucp \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  docker/ucp \\\n  support > docker-support.tgz',
      flagsFrom: 'no-options-section',
      flags: [],
      source: SUPPORT,
    },
    {
      name: 'stop',
      description: 'Stop UCP components running on this engine',
      usage:
        '$ docker run --rm -it \\\n     --name ucp \\\n     -v /var/run/docker.sock:/var/run/docker.sock \\\n     docker/ucp \\\n     stop [command options]',
      flagsFrom: 'page',
      source: STOP,
      flags: [
        { ...DEBUG, description: 'Enable debug mode', source: STOP },
        { ...JSONLOG, description: 'Produce json formatted output for easier parsing', source: STOP },
      ],
      notes: ['stop is not in the command table of the reference index page, but has its own page.'],
    },
    {
      name: 'restart',
      description: 'Start or restart UCP components on this engine',
      usage:
        '$ docker run --rm -it \\\n     --name ucp \\\n     -v /var/run/docker.sock:/var/run/docker.sock \\\n     docker/ucp \\\n     restart [command options]',
      flagsFrom: 'page',
      source: RESTART,
      flags: [
        { ...DEBUG, description: 'Enable debug mode', source: RESTART },
        { ...JSONLOG, description: 'Produce json formatted output for easier parsing', source: RESTART },
      ],
      notes: ['restart is not in the command table of the reference index page, but has its own page.'],
    },
    {
      name: 'help',
      description: 'Shows a list of commands or help for one command',
      usage:
        'docker run --rm -it \\\n    --name ucp \\\n    -v /var/run/docker.sock:/var/run/docker.sock \\\n    docker/ucp \\\n    command [arguments...]',
      flagsFrom: 'no-options-section',
      flags: [],
      source: HELP,
      notes: ['The one-line description is from the command table of reference/index.md.'],
    },
  ],
  endpoints: [
    {
      method: 'GET',
      path: '/_ping',
      purpose:
        'Use the `/_ping` endpoint on each UCP controller, to check if the controller is healthy and if it should remain on the load balancing pool or not.',
      source: HA,
    },
    {
      method: 'GET',
      path: '/ca',
      purpose:
        "The UCP CA certificate, fetched for DTR's --ucp-ca: `curl -k https://$UCP_HOST/ca > ucp-ca.pem`",
      source: DTR_INSTALL,
    },
  ],
  names: {
    containers: [
      {
        pattern: 'ucp-proxy',
        nodes: 'controller, node',
        description: 'A TLS proxy. It allows secure access to the local Docker Engine.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-controller',
        nodes: 'controller',
        description: 'The UCP application. It uses the key-value store for persisting configurations.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-swarm-manager',
        nodes: 'controller',
        description:
          'Provides the clustering capabilities. It uses the key-value store for leader election, and keeping track of cluster members.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-swarm-join',
        nodes: 'controller, node',
        description:
          'Heartbeat to record on the key-value store that this node is alive. If the node goes down, this heartbeat stops, and the node is removed from the cluster.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-auth-api',
        nodes: 'controller',
        description: 'The centralized API for identity and authentication used by UCP and DTR.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-auth-worker',
        nodes: 'controller',
        description: 'Performs scheduled LDAP synchronizations and cleans data on the ucp-auth-store.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-auth-store',
        nodes: 'controller',
        description: 'Stores authentication configurations, and data for users, organizations and teams.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-kv',
        nodes: 'controller',
        description:
          "Used to store the UCP configurations. Don't use it in your applications, since it's for internal use only.",
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-cluster-root-ca',
        nodes: 'controller',
        description:
          'A certificate authority to sign the certificates used when joining new nodes, and on administrator client bundles.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-client-root-ca',
        nodes: 'controller',
        description:
          'A certificate authority to sign user bundles. Only used when UCP is installed without an external root CA.',
        source: ARCHITECTURE,
      },
    ],
    volumes: [
      {
        pattern: 'ucp-client-root-ca',
        nodes: 'all',
        description:
          'The certificate and key for the UCP root CA. Do not create this volume if you are using your own certificates.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-cluster-root-ca',
        nodes: 'all',
        description: 'The certificate and key for the Swarm root CA.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-controller-client-certs',
        nodes: 'all',
        description: 'The UCP Controller Swarm client certificates for the current node.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-controller-server-certs',
        nodes: 'all',
        description: 'The controller certificates for the UCP controllers web server.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-kv',
        nodes: 'controller',
        description: 'Key value store persistence.',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-kv-certs',
        nodes: 'all',
        description:
          'The Swarm KV client certificates for the current node (repeated on every node in the cluster).',
        source: ARCHITECTURE,
      },
      {
        pattern: 'ucp-node-certs',
        nodes: 'all',
        description: 'The Swarm certificates for the current node (repeated on every node in the cluster).',
        source: ARCHITECTURE,
      },
    ],
    networks: [],
  },
  ports: [
    {
      port: 443,
      protocol: 'tcp',
      hosts: 'controllers, nodes',
      direction: 'in',
      configurable: true,
      flag: '--controller-port',
      purpose: 'Web app and CLI client access to UCP.',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 2375,
      protocol: 'tcp',
      hosts: 'controllers, nodes',
      direction: 'in',
      purpose: 'Heartbeat for nodes, to ensure they are running.',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 2376,
      protocol: 'tcp',
      hosts: 'controllers',
      direction: 'in',
      configurable: true,
      flag: '--swarm-port',
      purpose: 'Swarm manager accepts requests from UCP controller.',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 4789,
      protocol: 'udp',
      hosts: 'controllers, nodes',
      direction: 'in, out',
      purpose: 'Overlay networking.',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 7946,
      protocol: 'tcp+udp',
      hosts: 'controllers, nodes',
      direction: 'in, out',
      purpose: 'Overlay networking.',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12376,
      protocol: 'tcp',
      hosts: 'controllers, nodes',
      direction: 'in',
      purpose: 'Proxy for TLS, provides access to UCP, Swarm, and Engine.',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12379,
      protocol: 'tcp',
      hosts: 'controller',
      direction: 'in',
      purpose: 'Internal node configuration, cluster configuration, and HA.',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12380,
      protocol: 'tcp',
      hosts: 'controller',
      direction: 'in',
      purpose: 'Internal node configuration, cluster configuration, and HA.',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12381,
      protocol: 'tcp',
      hosts: 'controller',
      direction: 'in',
      purpose: 'Proxy for TLS, provides access to UCP.',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12382,
      protocol: 'tcp',
      hosts: 'controller',
      direction: 'in',
      purpose: 'Manages TLS and requests from swarm manager.',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12383,
      protocol: 'tcp',
      hosts: 'controller',
      direction: 'in',
      purpose: 'Used by the authentication storage backend.',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12384,
      protocol: 'tcp',
      hosts: 'controller',
      direction: 'in',
      purpose: 'Used by authentication storage backend for replication across controllers.',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12385,
      protocol: 'tcp',
      hosts: 'controller',
      direction: 'in',
      purpose: 'The port where the authentication API is exposed.',
      source: SYSTEM_REQUIREMENTS,
    },
    {
      port: 12386,
      protocol: 'tcp',
      hosts: 'controller',
      direction: 'in',
      purpose: 'Used by the authentication worker.',
      source: SYSTEM_REQUIREMENTS,
    },
  ],
  rules: [
    {
      text: "If you intend to install a multi-node cluster, you must open firewall ports between the engines for the following ports: 443, 12376, 12379, 12380, 12381, 12382 and 2376 or the '--swarm-port'",
      commands: ['install'],
      source: INSTALL,
    },
    {
      text: "To use '--external-server-cert', create a storage volume named 'ucp-controller-server-certs' with ca.pem, cert.pem, and key.pem in the root directory before running the install.",
      commands: ['install'],
      source: INSTALL,
    },
    {
      text: "When running the 'join' command, you must run this tool on the engine you wish to join to an existing UCP. The UCP controller must be running on a different engine. If your system has multiple IP addresses, you may need to specify the '--host-address' option.",
      commands: ['join'],
      source: JOIN,
    },
    {
      text: "To enable high-availability, you must join at least one node with the 'replica' flag. When joining a replica, you may optionally provide a backup tar file containing the Root CA material from the initial controller saved via the 'backup' command (`-v /path/to/my/backup.tar:/backup.tar`). Only the Root CA material will be retrieved from that backup.",
      commands: ['join', 'backup'],
      source: JOIN,
    },
    {
      text: '--swarm-experimental: use only for install, not join.',
      commands: ['install', 'join'],
      source: INSTALL,
    },
    {
      text: "When uninstalling UCP, you must run the 'uninstall' command against every engine in your cluster.",
      commands: ['uninstall'],
      source: UNINSTALL,
    },
    {
      text: 'During the backup, all UCP containers will be temporarily stopped on this node to prevent data corruption. When backing up an HA cluster, take backups of all controllers one at a time, in quick succession, and keep track of the exact time of each backup.',
      commands: ['backup'],
      source: BACKUP,
    },
    {
      text: 'Any UCP containers that are running will be stopped prior to restoring the data and restarted after. When restoring multiple controllers in an HA cluster, stop all controller nodes you plan to restore first, then restore the most recent controller backup first; the cluster resumes once 1/2+1 of the controllers have been restored.',
      commands: ['restore'],
      source: RESTORE,
    },
    {
      text: 'restore: any existing state on this node will be lost and replaced by the contents of the backup. To prevent accidental use, the "-id" flag must be provided.',
      commands: ['restore'],
      source: RESTORE,
    },
    {
      text: "When upgrading UCP, you must run the 'upgrade' command against every engine in your cluster: controller and replica nodes first, then compute nodes. Upgrade the engine first if you upgrade it too. Confirm each node is present in the UCP console before proceeding to the next.",
      commands: ['upgrade'],
      source: UPGRADE,
    },
    {
      text: "engine-discovery exit status: 0 for success; 1 when run without '--update' and the configuration needs updating; 2 for any failures.",
      commands: ['engine-discovery'],
      source: ENGINE_DISCOVERY,
    },
    {
      text: "engine-discovery: controllers are auto-detected if possible; alternately '--controller' may be given one or more times to manually specify ALL of the UCP controllers.",
      commands: ['engine-discovery'],
      source: ENGINE_DISCOVERY,
    },
    {
      text: "When connecting UCP to DTR, use the output of '--cluster --ca' to configure DTR.",
      commands: ['dump-certs'],
      source: DUMP_CERTS,
    },
    {
      text: 'Regenerating the Root CAs ("regen-certs --root-ca-only") is disruptive: run it on one controller, "backup --root-ca-only" there and "restore --root-ca-only" on all other controllers, "regen-certs" on all controllers, restart their docker daemons, then "join --fresh-install" on all non-controller nodes.',
      commands: ['regen-certs', 'backup', 'restore', 'join'],
      source: REGEN_CERTS,
    },
    {
      text: 'Controllers and replicas tolerate failures as 1 → 0, 3 → 1, 5 → 2, 7 → 3. "Don\'t create a cluster with just one replica."',
      source: HA,
    },
    {
      text: 'UCP uses mutual TLS; a load balancer must balance TCP on ports 80 and 443, not terminate HTTPS, and use `/_ping` on each controller as the health check.',
      source: HA,
    },
    {
      text: 'By default, both UCP and DTR use port 443; a load balancer for both must tell them apart by IP address or port.',
      source: PLAN,
    },
    {
      text: 'When installing Docker UCP, overlay networking is automatically configured. If you are running Docker CS Engine 1.10, or have custom configurations on your Docker CS Engine, you need to restart the Docker daemon at this point.',
      commands: ['install'],
      source: INSTALL_PRODUCTION,
    },
  ],
  procedures: [
    {
      name: 'Install a highly available UCP (install-production steps 5, 7–10)',
      steps: [
        'docker run --rm -it --name ucp -v /var/run/docker.sock:/var/run/docker.sock docker/ucp install -i --host-address <$UCP_PUBLIC_IP>',
        'On the controller: docker run --rm -i --name ucp -v /var/run/docker.sock:/var/run/docker.sock docker/ucp backup --interactive --root-ca-only --passphrase "secret" > /tmp/backup.tar',
        'Copy backup.tar to each replica node; there: docker run --rm -it --name ucp -v /var/run/docker.sock:/var/run/docker.sock -v $BACKUP_PATH/backup.tar:/backup.tar docker/ucp join --interactive --replica --passphrase "secret"',
        'Join all replica nodes first, and only then restart the Docker daemon on those nodes. Set up 3, 5, or 7 controllers.',
        'On each controller node: docker run --rm -it --name ucp -v /var/run/docker.sock:/var/run/docker.sock docker/ucp engine-discovery --update',
        'On each other node: docker run --rm -it --name ucp -v /var/run/docker.sock:/var/run/docker.sock docker/ucp join -i',
      ],
      source: INSTALL_PRODUCTION,
    },
  ],
  undocumented: [
    {
      topic: 'install --image-version',
      source: null,
      note: 'The stored datacenter/ucp/1.1/reference/install.md lists no --image-version flag; no other stored 1.1 page mentions it.',
    },
    {
      topic: 'networks',
      source: null,
      note: 'The UCP 1.1 architecture page lists containers and volumes, no networks.',
    },
    {
      topic: 'join --url format',
      source: null,
      note: 'join.md says only "The connection URL for the remote UCP controller"; no example shows its form (scheme, port).',
    },
    {
      topic: 'HTTP API',
      source: null,
      note: 'No UCP 1.1 API reference is stored; the pages name only /_ping (load-balancer health) and, on the DTR 2.0 install page, /ca.',
    },
    {
      topic: 'unknown flag / unknown command behaviour',
      source: null,
      note: 'No UCP 1.1 page says what the tool prints or exits with for an unknown flag or command; see urfave-cli.ts for the library texts.',
    },
  ],
  pages: [
    { path: INDEX, commit: '0ad05f6ce8085a48facd61983ad106c8514f26fc' },
    { path: INSTALL, commit: '2fe29c39a9535da4535992cba04affa8c86ce7f0' },
    { path: JOIN, commit: '0ad05f6ce8085a48facd61983ad106c8514f26fc' },
    { path: UNINSTALL, commit: '65aa47347843f09b8c94f23e2dec9bbbdaa15f05' },
    { path: FINGERPRINT, commit: 'c200ed0ee4b3ef6683cb81fc11b91d0fdfacd9c1' },
    { path: ID, commit: 'ea991eb6110528b9e391b2474a19198ca2506c76' },
    { path: IMAGES, commit: '85e0097088992108524a2d0fe015fc1981c2ccde' },
    { path: BACKUP, commit: '5245658d3c5b222c95b76296ca3fb9f7619f94c5' },
    { path: RESTORE, commit: '5bef5da9befed03fc87054a95116d743a990b1c9' },
    { path: UPGRADE, commit: '52196eb592af7e92813d78e8733c44f6d0cba9ce' },
    { path: ENGINE_DISCOVERY, commit: '5bef5da9befed03fc87054a95116d743a990b1c9' },
    { path: REGEN_CERTS, commit: '3d3646ff524f514193fd79599f33c29fc52b6eb0' },
    { path: DUMP_CERTS, commit: '60db44b45d924083fcbe59b70c043ee33bfa4e1e' },
    { path: SUPPORT, commit: '4036349a4e21f48bc2ea9fc40428fe36bcf86d89' },
    { path: STOP, commit: '272849d81ee17c31008ca1d399e0fa84a5affbc2' },
    { path: RESTART, commit: '5bef5da9befed03fc87054a95116d743a990b1c9' },
    { path: HELP, commit: '52196eb592af7e92813d78e8733c44f6d0cba9ce' },
    { path: ARCHITECTURE, commit: '1593e6edf4b0714c2a2069689e78e8739ef36ca5' },
    { path: SYSTEM_REQUIREMENTS, commit: '4639be8392c9048dea5124a5d78213b5a19cc2af' },
    { path: PLAN, commit: '587a9c0b7be5077aa5258d4f46f8d6bc41be757e' },
    { path: INSTALL_PRODUCTION, commit: '04f2bb414369a72817aceecb3e64568b8c8626f6' },
    { path: HA, commit: '1593e6edf4b0714c2a2069689e78e8739ef36ca5' },
    {
      path: DTR_INSTALL,
      commit: '092db523f7902e9ace42e27d4472ada8516f687b',
      note: 'A DTR 2.0 page; the source of the UCP /ca endpoint.',
    },
  ],
};
