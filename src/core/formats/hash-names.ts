// Maps the hash names used by metalink, checksum files and aria2 ("sha-256", "SHA256") to our algorithm names and back.
import {HASH_ALGORITHMS, type Checksum, type HashAlgorithm} from '../model.js'

/** Our algorithm for a foreign hash name, or undefined for one we do not use (sha-384, crc32...). */
export function toHashAlgorithm(name: string): HashAlgorithm | undefined {
  const compact = name.trim().toLowerCase().replace(/[-_]/g, '')
  return (HASH_ALGORITHMS as readonly string[]).includes(compact) ? (compact as HashAlgorithm) : undefined
}

/** The IANA / Metalink v4 spelling: sha256 -> "sha-256", md5 -> "md5". */
export function toMetalinkHashType(algorithm: HashAlgorithm): string {
  return algorithm === 'md5' ? 'md5' : algorithm.replace(/^sha/, 'sha-')
}

/** Hex lengths per algorithm, to reject values that cannot be hashes. */
const HEX_LENGTHS: Record<HashAlgorithm, number> = {sha512: 128, sha256: 64, sha1: 40, md5: 32}

export function isHexFor(algorithm: HashAlgorithm, hex: string): boolean {
  return hex.length === HEX_LENGTHS[algorithm] && /^[0-9a-f]+$/i.test(hex)
}

/** The algorithm a bare hex digest must be, judged by its length (GNU checksum files carry no name). */
export function algorithmForHexLength(hex: string): HashAlgorithm | undefined {
  return HASH_ALGORITHMS.find((algorithm) => HEX_LENGTHS[algorithm] === hex.length)
}

/** Strongest first, one per algorithm, hex lower-cased. */
export function strongestFirst(checksums: readonly Checksum[]): Checksum[] {
  const seen = new Set<HashAlgorithm>()
  const result: Checksum[] = []
  for (const algorithm of HASH_ALGORITHMS) {
    const found = checksums.find((checksum) => checksum.algorithm === algorithm)
    if (found && !seen.has(algorithm)) {
      seen.add(algorithm)
      result.push({algorithm, hex: found.hex.toLowerCase()})
    }
  }
  return result
}
