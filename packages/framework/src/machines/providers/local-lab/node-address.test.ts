import { nodeAddress } from './local-lab-provider';

test('a node’s address is host number 10 + its index in the subnet, whatever the subnet’s size', () => {
  expect(nodeAddress('172.18.0.0/16', 1)).toBe('172.18.0.11');
  expect(nodeAddress('192.168.16.0/20', 4)).toBe('192.168.16.14');
  expect(nodeAddress('10.1.2.0/24', 200)).toBe('10.1.2.210');
  // A subnet given with host bits set still counts from its network address.
  expect(nodeAddress('10.1.2.77/24', 1)).toBe('10.1.2.11');
  expect(nodeAddress('10.255.255.0/23', 250)).toBe('10.255.255.4');
});

test('a subnet too small for the node, or not an IPv4 subnet, is refused by name', () => {
  expect(() => nodeAddress('10.1.2.0/24', 245)).toThrow('subnet 10.1.2.0/24 has no room for node 245');
  expect(() => nodeAddress('10.1.2.0/31', 1)).toThrow('has no room');
  expect(() => nodeAddress('fd00::/64', 1)).toThrow('not an IPv4 subnet: "fd00::/64"');
});
