/**
 * Docker's multiplexed stream (`docker logs` and `docker exec` without a tty): frames of an 8-byte
 * header (byte 0 the stream, 1 stdout or 2 stderr; bytes 4-7 the length, big-endian) and the payload.
 * `push` takes the bytes as they arrive, whatever their cut, and hands on each payload.
 * @example
 *   const demux = createDemux((stream, payload) => out[stream].write(payload));
 *   res.on('data', demux.push);
 */
export function createDemux(onPayload: (stream: number, payload: Buffer) => void) {
  let buffered: Buffer = Buffer.alloc(0);
  return {
    push(chunk: Buffer): void {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      while (buffered.length >= 8) {
        const size = buffered.readUInt32BE(4);
        if (buffered.length < 8 + size) break;
        onPayload(buffered[0], buffered.subarray(8, 8 + size));
        buffered = buffered.subarray(8 + size);
      }
    },
  };
}
