// Reads a byte range (or the whole file) from a mirror and hashes it, failing if fewer or more bytes arrive than asked.
import {createHash} from 'node:crypto'
import type {ByteRange, Transport} from '../../plugins/types.js'
import {TransportError} from '../errors.js'
import type {HashAlgorithm} from '../model.js'

export type HashedBytes = {hex: string; bytes: number}

export async function hashRange(
  transport: Transport,
  url: URL,
  range: ByteRange | undefined,
  algorithm: HashAlgorithm,
  signal: AbortSignal,
): Promise<HashedBytes> {
  const hash = createHash(algorithm)
  let bytes = 0
  for await (const chunk of transport.read(url, range, {signal})) {
    signal.throwIfAborted()
    hash.update(chunk)
    bytes += chunk.length
  }
  if (range && bytes !== range.length) {
    throw new TransportError(`${range.length} bytes asked at offset ${range.offset}, ${bytes} received`, 'ESHORT', {retryable: true})
  }
  return {hex: hash.digest('hex'), bytes}
}
