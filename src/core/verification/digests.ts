// The digest check: whole-file digests a server advertises (HTTP Digest/Repr-Digest, FTP HASH) against the target's checksums.
import type {Check, Checksum} from '../model.js'

/** One check per algorithm both sides know; none when they share no algorithm. */
export function checkDigests(advertised: readonly Checksum[], expected: readonly Checksum[]): Check[] {
  const checks: Check[] = []
  for (const digest of advertised) {
    const reference = expected.find((checksum) => checksum.algorithm === digest.algorithm)
    if (!reference) continue
    const ok = reference.hex.toLowerCase() === digest.hex.toLowerCase()
    checks.push({name: 'digest', ok, expected: `${reference.algorithm}:${reference.hex.toLowerCase()}`, found: `${digest.algorithm}:${digest.hex.toLowerCase()}`})
  }
  return checks
}

/** The target checksum to compare a full download against: the strongest algorithm given. */
export function strongestChecksum(checksums: readonly Checksum[]): Checksum | undefined {
  const order = ['sha512', 'sha256', 'sha1', 'md5']
  return [...checksums].sort((a, b) => order.indexOf(a.algorithm) - order.indexOf(b.algorithm))[0]
}
