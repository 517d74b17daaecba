/**
 * The cluster id header: on every master response, and on an agent's calls once it has recorded its
 * cluster (see protocol.ts). Its own module, free of TypeBox, so the client loads it at no cost.
 */
export const CLUSTER_ID_HEADER = 'Helios-Cluster-Id';
