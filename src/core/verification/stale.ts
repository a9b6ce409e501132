// Tells a mirror that serves an older version of the target (mirrormanager's mm0:alternates) from one that serves other bytes.
import type {RemoteInfo, Transport} from '../../plugins/types.js'
import type {Alternate, Check, Checksum} from '../model.js'
import {formatBytes} from '../units.js'
import {strongestChecksum} from './digests.js'
import {hashRange} from './read-hash.js'

/**
 * Files up to this size are read whole to prove which older version a mirror holds: mirrormanager lists
 * alternates for repomd.xml, a few KiB. A bigger file is judged by its advertised digests only.
 */
export const STALE_READ_LIMIT = 16 * 1024 * 1024

const shown = (checksum: Checksum) => `${checksum.algorithm}:${checksum.hex.toLowerCase()}`

function proof(alternate: Alternate, index: number, found: Checksum, how: string): Check {
  return {
    name: 'alternate',
    ok: true,
    expected: shown(found),
    found: shown(found),
    detail: `serves the older version listed as alternate ${index + 1}${alternate.size === undefined ? '' : ` (${formatBytes(alternate.size)})`}, ${how}`,
  }
}

/**
 * A passing 'alternate' check when the mirror provably holds one of the alternates: a digest it advertises
 * equals the alternate's, or (for a small file of the alternate's size) the bytes hash to it. Undefined
 * otherwise, and when reading fails: the mirror then stays a mismatch.
 */
export async function checkStale(
  info: RemoteInfo,
  alternates: readonly Alternate[],
  transport: Transport,
  url: URL,
  signal: AbortSignal,
): Promise<Check | undefined> {
  for (const [index, alternate] of alternates.entries()) {
    for (const digest of info.digests) {
      const same = alternate.checksums.find((checksum) => checksum.algorithm === digest.algorithm && checksum.hex.toLowerCase() === digest.hex.toLowerCase())
      if (same) return proof(alternate, index, same, 'by the digest it advertises')
    }
  }
  if (info.size === undefined || info.size > STALE_READ_LIMIT) return undefined
  const sized = alternates.map((alternate, index) => ({alternate, index})).filter(({alternate}) => alternate.size === undefined || alternate.size === info.size)
  const hashes = new Map<string, string>()
  for (const {alternate, index} of sized) {
    const reference = strongestChecksum(alternate.checksums)
    if (!reference) continue
    if (!hashes.has(reference.algorithm)) {
      try {
        hashes.set(reference.algorithm, (await hashRange(transport, url, undefined, reference.algorithm, signal)).hex)
      } catch (error) {
        if (signal.aborted) throw error
        return undefined
      }
    }
    if (hashes.get(reference.algorithm) === reference.hex.toLowerCase()) return proof(alternate, index, reference, 'by its bytes')
  }
  return undefined
}
