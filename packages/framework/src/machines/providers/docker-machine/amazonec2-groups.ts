import { flagValues } from './driver-secret-env';

/**
 * The security groups one `docker-machine create --driver amazonec2` puts its instance in, and where
 * they live (a group belongs to one VPC of one region).
 *
 * The driver's configureSecurityGroups (docker/machine v0.16.2 drivers/amazonec2/amazonec2.go) looks a
 * group up, creates it when it is missing, then adds the rules it lacks, with no lock: parallel creates
 * that all find a group (or its rules) missing all make it, and all but one fail with
 * InvalidGroup.Duplicate (or InvalidPermission.Duplicate). So the first machine that needs a group the
 * cluster does not use yet is created alone.
 */
export interface SecurityGroupPlan {
  groups: string[];
  region: string;
  /** '' when none is given: the driver takes the account's default VPC, which dtr-ha cannot know. */
  vpcId: string;
}

/**
 * The groups, region and VPC of MACHINE_CREATE_FLAGS, else of the variables the driver reads
 * (AWS_SECURITY_GROUP, comma-separated, AWS_DEFAULT_REGION, AWS_VPC_ID: docker/docs
 * machine/drivers/aws.md), else its defaults (docker-machine, us-east-1).
 */
export function securityGroupPlan(createFlags: readonly string[], env: NodeJS.ProcessEnv): SecurityGroupPlan {
  const last = (flag: string) => flagValues(createFlags, flag).at(-1);
  let groups = flagValues(createFlags, '--amazonec2-security-group');
  if (groups.length === 0 && env.AWS_SECURITY_GROUP) {
    groups = env.AWS_SECURITY_GROUP.split(',').map((group) => group.trim());
  }
  return {
    groups: groups.length > 0 ? [...new Set(groups)] : ['docker-machine'],
    region: last('--amazonec2-region') ?? (env.AWS_DEFAULT_REGION || 'us-east-1'),
    vpcId: last('--amazonec2-vpc-id') ?? env.AWS_VPC_ID ?? '',
  };
}

/**
 * What an existing machine's `docker-machine inspect` says of its groups (Driver.SecurityGroupNames,
 * and Driver.SecurityGroupName of stores written before 2016), region and VPC; undefined for a machine
 * of another driver, or output that is not the JSON of one.
 */
export function securityGroupsInUse(inspectJson: string): SecurityGroupPlan | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(inspectJson);
  } catch {
    return undefined;
  }
  const driver = (parsed as { Driver?: unknown } | null)?.Driver;
  if (typeof driver !== 'object' || driver === null) return undefined;
  const fields = driver as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const names = Array.isArray(fields.SecurityGroupNames) ? fields.SecurityGroupNames.map(text) : [];
  const groups = [text(fields.SecurityGroupName), ...names].filter(Boolean);
  if (groups.length === 0) return undefined;
  return { groups, region: text(fields.Region), vpcId: text(fields.VpcId) };
}

/**
 * The planned groups that no existing machine is known to use in the same region and VPC. Without a
 * VPC in the plan nothing matches: the default VPC's id is the account's, unknown here.
 */
export function newSecurityGroups(plan: SecurityGroupPlan, inUse: readonly SecurityGroupPlan[]): string[] {
  const known = new Set(
    inUse
      .filter((used) => plan.vpcId !== '' && used.vpcId === plan.vpcId && used.region === plan.region)
      .flatMap((used) => used.groups),
  );
  return plan.groups.filter((group) => !known.has(group));
}
