import * as path from 'node:path';
import { ensureUcp } from '../../products/ucp/ucp';
import { readTextIfExists, writePrivateFile } from '../../state/private-files';
import { adminPassword } from '../admin-password';
import { madeNow, movedSince, replicasOutdated } from '../made-for';
import { ucpControllerPort } from './ports';
import { need, type Step } from './step';

/**
 * UCP installed on the controller and joined by every other machine, made again where the last run's
 * record says it was made for other addresses, another instance or another image.
 */
export const ucpStep: Step<'ucp'> = {
  name: 'ucp',
  async run(ctx) {
    const { config, context } = ctx;
    const machines = need(ctx, 'handles');
    const info = need(ctx, 'info');
    const images = need(ctx, 'images');
    // What the last run recorded; this step replaces it below.
    const ucpMadeFor = info.madeFor?.ucp;
    const password = await adminPassword(config, context.dir);
    const ucpCaPath = path.join(context.dir, 'ucp-ca.pem');
    const trustedCaPem = await readTextIfExists(ucpCaPath);
    const ucp = await ctx.reporter.step('Installing UCP and joining the other machines', (detail) =>
      ensureUcp(
        machines,
        {
          image: images.ucp,
          adminUsername: config.admin.username,
          adminPassword: password,
          controllerPort: ucpControllerPort,
          driver: ctx.profile.driver.ucp,
        },
        detail,
        {
          trustedCaPem,
          moved: movedSince(ucpMadeFor, info.machines),
          nodesJoinedTo: ucpMadeFor?.ucpFingerprint,
          installedFrom: ucpMadeFor?.image,
        },
      ),
    );
    if (ucp.caPem !== trustedCaPem) await writePrivateFile(ucpCaPath, ucp.caPem);
    info.ucp = { url: ucp.url, caPath: ucpCaPath };
    // Decided against the last run's record of UCP, before it is replaced.
    ctx.remakeReplicas = replicasOutdated(info, ucp, images.dtr);
    // UCP's step ended well: from here a failed run leaves this record for the next.
    info.madeFor = { ...info.madeFor, ucp: madeNow(info.machines, ucp, images.ucp) };
    ctx.password = password;
    ctx.ucp = ucp;
  },
};
