// Chunks a transport hands over for good (its socket's own buffers, read by nothing else afterwards), so a download can free their memory as soon as they are on disk instead of whenever V8's next collection finds them.

/** The memory under handed-over chunks; weak, so a chunk nobody frees costs nothing. */
const handedOver = new WeakSet<ArrayBufferLike>()

/**
 * `ArrayBuffer.prototype.transfer` (standard from V8 11.4; Node 20 needs --harmony-rab-gsab-transfer,
 * which bin/run.cjs passes). Without it, freeing is a no-op and memory waits for the collector.
 */
type Transferable = ArrayBufferLike & {transfer?: (length: number) => ArrayBuffer; detached?: boolean}

/**
 * Marks the memory under `chunk` as the receiver's alone. Only for memory no other code reads after
 * the chunk is yielded. Memory small enough to be a slice of Node's shared Buffer pool is never
 * marked, so freeing can never reach another owner's bytes.
 */
export function handOver<T extends Uint8Array>(chunk: T): T {
  if (chunk.buffer.byteLength > Buffer.poolSize) handedOver.add(chunk.buffer)
  return chunk
}

/**
 * Frees the memory under every handed-over chunk of `chunks` at once (each view of it becomes empty).
 * Call only when the bytes are written and nothing will read these views again. On a 1 GiB download
 * this keeps the socket buffers alive at once to a few MB instead of 12-19 MB between young-generation
 * collections.
 */
export function freeChunks(chunks: readonly Uint8Array[]): void {
  for (const chunk of chunks) {
    const memory = chunk.buffer as Transferable
    if (!handedOver.delete(memory) || memory.detached || typeof memory.transfer !== 'function') continue
    // A zero-length transfer detaches the buffer and releases its memory now.
    memory.transfer(0)
  }
}
