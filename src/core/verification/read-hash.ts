// Reads a byte range (or the whole file) from a mirror and hashes it, failing if fewer or more bytes arrive than asked, or if it stalls.
import {createHash} from 'node:crypto'
import type {ByteRange, Transport} from '../../plugins/types.js'
import {TransportError} from '../errors.js'
import type {HashAlgorithm} from '../model.js'

export type HashedBytes = {hex: string; bytes: number}

/** Silence this long means a stalled mirror; a whole-file read (--full) may otherwise legitimately take an hour. */
export const IDLE_TIMEOUT_MS = 30_000

export async function hashRange(
  transport: Transport,
  url: URL,
  range: ByteRange | undefined,
  algorithm: HashAlgorithm,
  signal: AbortSignal,
  idleMs = IDLE_TIMEOUT_MS,
): Promise<HashedBytes> {
  const hash = createHash(algorithm)
  const idle = new AbortController()
  let timer = setTimeout(() => idle.abort(), idleMs)
  let bytes = 0
  try {
    for await (const chunk of transport.read(url, range, {signal: AbortSignal.any([signal, idle.signal])})) {
      clearTimeout(timer)
      timer = setTimeout(() => idle.abort(), idleMs)
      hash.update(chunk)
      bytes += chunk.length
    }
  } catch (error) {
    if (idle.signal.aborted && !signal.aborted) {
      throw new TransportError(`no data for ${idleMs / 1000} s after ${bytes} bytes`, 'ETIMEDOUT', {retryable: true, cause: error})
    }
    throw error
  } finally {
    clearTimeout(timer)
  }
  if (range && bytes !== range.length) {
    throw new TransportError(`${range.length} bytes asked at offset ${range.offset}, ${bytes} received`, 'ESHORT', {retryable: true})
  }
  return {hex: hash.digest('hex'), bytes}
}
