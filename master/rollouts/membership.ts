/**
 * Which hosts are a group's: every registered host whose labels match its selectors (a DOWN host keeps
 * its labels, so it stays a member), in Helios' order. Hosts that leave are kept in `removed` until
 * the group's job is undeployed there; a host that is deregistered just leaves (Helios' rules).
 */
import { compareHostNames, matchesHostSelectors, type HostSelector } from '../../core/index.js';
import type { HostRecord } from '../store/hosts.js';
import type { GroupRecord } from '../store/deploymentGroups.js';

export function matchingHosts(selectors: readonly HostSelector[], hosts: readonly HostRecord[]): string[] {
  return hosts.filter((host) => matchesHostSelectors(selectors, host.labels)).map((host) => host.name).sort(compareHostNames);
}

/** The group with its members recomputed, or null when nothing changed. */
export function withCurrentMembers(record: GroupRecord, hosts: readonly HostRecord[]): GroupRecord | null {
  const members = matchingHosts(record.group.hostSelectors, hosts);
  const registered = new Set(hosts.map((host) => host.name));
  const left = record.hosts.filter((host) => !members.includes(host));
  const removed = [...new Set([...record.removed, ...left])].filter((host) => registered.has(host) && !members.includes(host)).sort(compareHostNames);
  if (sameList(members, record.hosts) && sameList(removed, record.removed)) return null;
  return { ...record, hosts: members, removed };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
