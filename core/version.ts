/** The version of every component (kept equal to package.json's by a test). */
export const HELIOS_VERSION = '0.1.0';
