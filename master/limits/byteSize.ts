/** Sizes are parsed and shown by core (the syncer's size flags read the same way). */
export { formatBytes, parseBytes } from '../../core/model/byteSize.js';
