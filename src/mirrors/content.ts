// Deterministic pseudo-random file content for local mirrors, tests, the demo and benchmarks.
import {createHash} from 'node:crypto'

/** `size` bytes from a seeded xorshift generator: the same seed always gives the same bytes. */
export function makeContent(size: number, seed = 1): Buffer {
  const buffer = Buffer.allocUnsafe(size)
  let state = (seed >>> 0) || 0x9e3779b9
  let offset = 0
  while (offset + 4 <= size) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    buffer.writeUInt32LE(state >>> 0, offset)
    offset += 4
  }
  for (; offset < size; offset++) buffer[offset] = (offset * 31 + seed) & 0xff
  return buffer
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}
