import Docker from 'dockerode';
import { tarSingleFile } from '../util/tar';
import { labRecipesDir, recipeLabel, recipeNameLabel, recipesDirLabel, removeOlderBuilds } from './lab-image';

// Removing older builds on the host's real engine, with images as the lab builds them (FROM scratch:
// only their labels and tags matter). A cluster set up while a stand-in is rebuilt uses the release's
// installer name (`dtrha-lab/dtr:2.0.0-standin`), a tag in the base image's repository put on the
// stand-in built over it: the base's clean-up must leave it.

const docker = new Docker();
const repository = `dtrha-test-older-builds-${process.pid}/base`;
const childRepository = `dtrha-test-older-builds-${process.pid}/child`;

async function build(tag: string, recipe: string): Promise<void> {
  const labels = `LABEL ${recipeLabel}=${tag} ${recipeNameLabel}=${recipe} ${recipesDirLabel}=${JSON.stringify(labRecipesDir)}`;
  const context = await tarSingleFile('Dockerfile', `FROM scratch\n${labels}\n`, 0o644);
  const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, { t: tag, rm: true });
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (error, output) => (error ? reject(error) : resolve(output))),
  );
}

const tagsOf = async (repo: string) =>
  (await docker.listImages({ filters: { reference: [`${repo}:*`] } }))
    .flatMap((i) => i.RepoTags ?? [])
    .sort();

afterAll(async () => {
  for (const ref of [...(await tagsOf(repository)), ...(await tagsOf(childRepository))]) {
    await docker
      .getImage(ref)
      .remove({ force: true })
      .catch(() => undefined);
  }
});

test("an older build's tag goes; another image's tag in the same repository stays", async () => {
  await build(`${repository}:aaaaaaaaaaaa`, 'base');
  await build(`${repository}:bbbbbbbbbbbb`, 'base');
  await build(`${childRepository}:cccccccccccc`, 'child');
  // The alias: the child, tagged with the release's name in the base's repository.
  await docker.getImage(`${childRepository}:cccccccccccc`).tag({ repo: repository, tag: '2.0.0-standin' });

  await removeOlderBuilds(docker, repository, `${repository}:bbbbbbbbbbbb`);

  expect(await tagsOf(repository)).toEqual([`${repository}:2.0.0-standin`, `${repository}:bbbbbbbbbbbb`]);
  expect(await tagsOf(childRepository)).toEqual([`${childRepository}:cccccccccccc`]);
});
