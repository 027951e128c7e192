import { newSecurityGroups, securityGroupPlan, securityGroupsInUse } from './amazonec2-groups';
import { flagValues } from './driver-secret-env';

describe('the security groups an amazonec2 create uses', () => {
  test('from MACHINE_CREATE_FLAGS, in every form Go reads, repeated as the flag may be', () => {
    const flags = [
      '--amazonec2-security-group',
      'dtr-ha',
      '--amazonec2-security-group=ssh',
      '-amazonec2-security-group',
      'dtr-ha',
      '--amazonec2-region=us-west-2',
      '--amazonec2-vpc-id',
      'vpc-1',
    ];
    expect(securityGroupPlan(flags, {})).toEqual({
      groups: ['dtr-ha', 'ssh'],
      region: 'us-west-2',
      vpcId: 'vpc-1',
    });
  });

  test("from the driver's variables, else its defaults", () => {
    expect(
      securityGroupPlan([], {
        AWS_SECURITY_GROUP: 'a, b',
        AWS_DEFAULT_REGION: 'eu-west-1',
        AWS_VPC_ID: 'vpc-2',
      }),
    ).toEqual({ groups: ['a', 'b'], region: 'eu-west-1', vpcId: 'vpc-2' });
    expect(securityGroupPlan([], {})).toEqual({ groups: ['docker-machine'], region: 'us-east-1', vpcId: '' });
    // A flag given wins over the variable, as for docker-machine.
    expect(
      securityGroupPlan(['--amazonec2-security-group', 'x'], { AWS_SECURITY_GROUP: 'y' }).groups,
    ).toEqual(['x']);
  });

  test("what an existing machine's inspect says it uses", () => {
    const inspect = (driver: Record<string, unknown>) => JSON.stringify({ Driver: driver });
    expect(
      securityGroupsInUse(
        inspect({
          SecurityGroupNames: ['dtr-ha'],
          SecurityGroupName: '',
          Region: 'us-west-2',
          VpcId: 'vpc-1',
        }),
      ),
    ).toEqual({ groups: ['dtr-ha'], region: 'us-west-2', vpcId: 'vpc-1' });
    // A store written before 2016 has the one group in SecurityGroupName.
    expect(
      securityGroupsInUse(inspect({ SecurityGroupName: 'old', Region: 'us-east-1', VpcId: 'vpc-9' }))?.groups,
    ).toEqual(['old']);
    // Another driver's machine, or what is not inspect's JSON.
    expect(securityGroupsInUse(inspect({ IPAddress: '10.0.0.2' }))).toBeUndefined();
    expect(securityGroupsInUse('Host does not exist')).toBeUndefined();
    expect(securityGroupsInUse('null')).toBeUndefined();
  });

  test('a group is new unless a machine in the same region and VPC uses it', () => {
    const plan = { groups: ['dtr-ha', 'ssh'], region: 'us-west-2', vpcId: 'vpc-1' };
    expect(newSecurityGroups(plan, [])).toEqual(['dtr-ha', 'ssh']);
    expect(
      newSecurityGroups(plan, [{ groups: ['dtr-ha', 'ssh'], region: 'us-west-2', vpcId: 'vpc-1' }]),
    ).toEqual([]);
    expect(newSecurityGroups(plan, [{ groups: ['dtr-ha'], region: 'us-west-2', vpcId: 'vpc-1' }])).toEqual([
      'ssh',
    ]);
    // Same names elsewhere are other groups.
    expect(
      newSecurityGroups(plan, [{ groups: ['dtr-ha', 'ssh'], region: 'us-east-1', vpcId: 'vpc-1' }]),
    ).toEqual(['dtr-ha', 'ssh']);
    expect(
      newSecurityGroups(plan, [{ groups: ['dtr-ha', 'ssh'], region: 'us-west-2', vpcId: 'vpc-2' }]),
    ).toHaveLength(2);
    // Without a VPC in the plan the default VPC is taken, whose id only the account knows: new.
    expect(
      newSecurityGroups({ ...plan, vpcId: '' }, [
        { groups: ['dtr-ha', 'ssh'], region: 'us-west-2', vpcId: 'vpc-1' },
      ]),
    ).toEqual(['dtr-ha', 'ssh']);
  });
});

test('flagValues: the values of one flag, as Go reads them, up to --', () => {
  const words = ['--a', 'x', '--b=1', '-a=y', '--a', '--c', '--', '--a', 'z'];
  expect(flagValues(words, '--a')).toEqual(['x', 'y', '--c']);
  expect(flagValues(words, '--b')).toEqual(['1']);
  expect(flagValues(['--a'], '--a')).toEqual([]);
});
