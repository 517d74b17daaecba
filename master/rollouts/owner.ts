/** The owner recorded on a group's deployments (`group:NAME`), shown as the deployment's `deploymentGroupName`. */
export const groupOwner = (group: string) => `group:${group}`;
export const groupOfOwner = (owner: string | undefined) => (owner?.startsWith('group:') ? owner.slice('group:'.length) : undefined);
