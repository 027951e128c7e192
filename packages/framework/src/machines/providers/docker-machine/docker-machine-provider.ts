// placeholder until the docker-machine provider lands (being written now)
/* eslint-disable */
export class DockerMachineProvider { readonly name = 'docker-machine'; constructor(_o: any) {} async list(): Promise<any[]> { return []; } async ensure(): Promise<any> { throw new Error('not yet'); } async remove(): Promise<string[]> { return []; } async collectLogs(): Promise<string[]> { return []; } }
