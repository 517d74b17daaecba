/**
 * Helios' version handshake (`VersionCompatibility`, `VersionResponseFilter`, `VersionResource`).
 * Every Helios client sends `Helios-Version: <its release>`; the master answers how compatible that
 * client is. This master speaks the wire format of Helios 0.9.282, Helios' last release, so it judges
 * a client as a 0.9.282 master would, by Helios' own (semver-like) rule:
 *
 *   client = 0.9.282            EQUAL
 *   client 0.x, x ≤ 9           COMPATIBLE (0.8 and older 0.9 clients speak a subset of 0.9.282)
 *   client 0.x, x > 9           MAYBE      (a newer minor may use what 0.9 lacks; Helios lets it try)
 *   client of another major     INCOMPATIBLE → 426 (Helios never released 1.x: it would break the wire)
 *   not n.n.n[-SNAPSHOT]        INVALID → 400
 */
export const HELIOS_WIRE_VERSION = '0.9.282';

export type VersionStatus = 'EQUAL' | 'COMPATIBLE' | 'MAYBE' | 'INCOMPATIBLE' | 'INVALID' | 'MISSING';

/** Helios' `PomVersion`, in the JSON shape Jackson gives it. */
export interface PomVersion {
  major: number;
  minor: number;
  patch: number;
  snapshot: boolean;
}

const POM_VERSION = /^(\d{1,9})\.(\d{1,9})\.(\d{1,9})(-SNAPSHOT)?$/;

/** `0.9.282`, `0.8.0-SNAPSHOT`; null for anything else. */
export function parsePomVersion(text: string): PomVersion | null {
  const match = POM_VERSION.exec(text);
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), snapshot: match[4] !== undefined };
}

export const wireVersion = parsePomVersion(HELIOS_WIRE_VERSION)!;

/** Helios' `VersionCompatibility.getStatus(server, client)`. */
export function compatibility(client: PomVersion, server: PomVersion = wireVersion): VersionStatus {
  if (client.major === server.major && client.minor === server.minor && client.patch === server.patch
    && client.snapshot === server.snapshot) return 'EQUAL';
  if (client.major !== server.major) return 'INCOMPATIBLE';
  return server.minor >= client.minor ? 'COMPATIBLE' : 'MAYBE';
}

/** A client version's status: MISSING without one, INVALID when it is not a version. */
export function clientStatus(text: string | undefined): VersionStatus {
  if (text === undefined || text === '') return 'MISSING';
  const client = parsePomVersion(text);
  return client ? compatibility(client) : 'INVALID';
}

/** `GET /version/check?client=` (Helios' `VersionCheckResponse`, as its Jackson writes it). */
export interface VersionCheckResponse {
  status: VersionStatus;
  serverVersion: PomVersion;
  recommendedVersion: string;
}

export const versionCheck = (client: string | undefined): VersionCheckResponse =>
  ({ status: clientStatus(client), serverVersion: wireVersion, recommendedVersion: HELIOS_WIRE_VERSION });
