/**
 * Fuzzing the readers of docker-machine's output, which comes from its store and drivers (anyone who
 * can write the store decides what `inspect` prints): `ls` lines, `ip` and `inspect` JSON. `ls` always
 * reads, keeping only this cluster's machines; `ip` and `inspect` give a record that cluster.json
 * accepts, or an error naming the machine.
 */
import fc from 'fast-check';
import * as net from 'node:net';
import {
  FUZZ_TIMEOUT_MS,
  fuzzRuns,
  jsonFileText,
  parsesOrNamedError,
  text,
  word,
} from '../../../../test-support/fuzz';
import { machineRecordSchema } from '../../machine-record';
import { validateRecord } from '../../../util/record-fields';
import type { MachineSpec } from '../../types';
import { checkedMachineIp, parseLsOutput, recordFromInspect } from './docker-machine-provider';

const spec: MachineSpec = { name: 'dtrha-2', role: 'replica', index: 2 };
const store = '/home/ci/.docker/machine';

const inStore = (file: string) => `${store}/${file}`;

/** `docker-machine inspect dtrha-2`, only the fields the reader takes (docker-machine 0.16's names). */
const goodInspect = {
  Driver: {
    SSHUser: 'ubuntu',
    SSHPort: 22,
    EnginePort: 2376,
    SSHKeyPath: inStore('machines/dtrha-2/id_rsa'),
    StorePath: store,
  },
  HostOptions: {
    AuthOptions: {
      CaCertPath: inStore('certs/ca.pem'),
      ClientCertPath: inStore('certs/cert.pem'),
      ClientKeyPath: inStore('certs/key.pem'),
    },
  },
};

/** What `docker-machine ip dtrha-2` printed: an address most often, else anything. */
const address = fc.oneof(
  { weight: 4, arbitrary: fc.constant('52.90.113.128') },
  { weight: 1, arbitrary: fc.oneof(fc.ipV4(), fc.ipV6(), text, word) },
);

test(
  'inspect: every output is a record cluster.json accepts, or an error naming the machine',
  () => {
    fc.assert(
      fc.property(jsonFileText(goodInspect), address, (output, ip) => {
        parsesOrNamedError(
          () => recordFromInspect(output, spec, ip),
          (error) =>
            error.constructor === Error && /^docker-machine (inspect|ip) dtrha-2\b/.test(error.message),
          (record) => {
            const checked = validateRecord(machineRecordSchema, record);
            if (!checked.ok)
              throw new Error(`a record cluster.json would refuse: ${checked.problems.join('; ')}`);
            expect(net.isIP(record.ip)).not.toBe(0);
          },
        );
      }),
      fuzzRuns(3000),
    );
  },
  FUZZ_TIMEOUT_MS,
);

test(
  'ip: an IP address, or an error naming the machine',
  () => {
    fc.assert(
      fc.property(fc.oneof(text, word, fc.ipV4(), fc.ipV6()), (output) => {
        parsesOrNamedError(
          () => checkedMachineIp('dtrha-2', output),
          (error) => error.message.startsWith('docker-machine ip dtrha-2 printed '),
          (ip) => expect(net.isIP(ip)).not.toBe(0),
        );
      }),
      fuzzRuns(2000),
    );
  },
  FUZZ_TIMEOUT_MS,
);

/** A prefix MACHINE_PREFIX accepts. */
const prefix = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);

test(
  'ls: every output reads, as this cluster’s machines only, each once, in order',
  () => {
    // `ls --format '{{.Name}}\t{{.State}}\t{{.DriverName}}\t{{.Error}}'`, and lines of anything.
    const line = (p: string) =>
      fc.oneof(
        fc
          .tuple(
            fc.nat(20),
            fc.constantFrom('Running', 'Stopped', 'Saved', 'Timeout', 'Error', '', 'running ', 'toString'),
            fc.constantFrom('amazonec2', 'not found', '', 'toString'),
            fc.oneof(fc.constant(''), word, text),
          )
          .map(([n, state, driver, error]) => `${p}-${n}\t${state}\t${driver}\t${error}`),
        fc.tuple(word, word).map(([name, state]) => `${name}\t${state}`),
        text,
      );
    fc.assert(
      fc.property(
        prefix.chain((p) =>
          fc.tuple(fc.constant(p), fc.array(line(p), { maxLength: 8 }), fc.constantFrom('\n', '\r\n')),
        ),
        ([p, lines, eol]) => {
          const found = parseLsOutput(lines.join(eol), p);
          const names = found.map((m) => m.name);
          expect(new Set(names).size).toBe(names.length);
          for (const m of found) {
            expect(m.name).toMatch(new RegExp(`^${p}-[0-9]+$`));
            expect(['running', 'stopped', 'unknown']).toContain(m.state);
            expect(m.providerId).toBe(m.name);
            expect(typeof m.lsState).toBe('string');
            if (m.loadError !== undefined) expect(m.loadError).not.toBe('');
          }
          const numbers = names.map((n) => Number(n.slice(p.length + 1)));
          expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
        },
      ),
      fuzzRuns(1000),
    );
  },
  FUZZ_TIMEOUT_MS,
);
