// The full check: download the whole file from a mirror and compare its hash with the target checksum or the primary's hash.
import type {Transport} from '../../plugins/types.js'
import type {Check, Checksum} from '../model.js'
import {formatBytes} from '../units.js'
import {hashRange} from './read-hash.js'

/** `against` names where `expected` came from, for the verdict's wording. */
export async function checkFull(
  transport: Transport,
  url: URL,
  expected: Checksum,
  against: 'checksum' | 'primary',
  signal: AbortSignal,
): Promise<Check> {
  const found = await hashRange(transport, url, undefined, expected.algorithm, signal)
  const ok = found.hex === expected.hex.toLowerCase()
  const source = against === 'checksum' ? `the target ${expected.algorithm}` : `the primary's ${expected.algorithm}`
  return {
    name: 'full',
    ok,
    expected: `${expected.algorithm}:${expected.hex.toLowerCase()}`,
    found: `${expected.algorithm}:${found.hex}`,
    detail: `all ${formatBytes(found.bytes)} downloaded, ${ok ? 'matches' : 'differs from'} ${source}`,
  }
}
