// Reads whole-file digests from HTTP headers (RFC 3230 Digest, RFC 9530 Repr-Digest) as hex, whatever encoding the server chose.
import type {Checksum, HashAlgorithm} from './model.js'

/** Digest lengths in bytes, used to tell a base64 value from a hex one and to reject truncated values. */
const DIGEST_BYTES: Record<HashAlgorithm, number> = {md5: 16, sha1: 20, sha256: 32, sha512: 64}

/** The header algorithm names we understand, lower-cased, as both RFCs register them. */
const ALGORITHM_NAMES: Record<string, HashAlgorithm> = {
  'sha-256': 'sha256',
  'sha-512': 'sha512',
  sha: 'sha1',
  'sha-1': 'sha1',
  md5: 'md5',
}

/** Maps a header algorithm name ('SHA-256', 'sha-512', 'MD5', 'SHA') to ours, or undefined. */
export function algorithmFromHeaderName(name: string): HashAlgorithm | undefined {
  return ALGORITHM_NAMES[name.trim().toLowerCase()]
}

/**
 * RFC 3230 `Digest: SHA-256=<base64>, MD5=<base64>`. Some servers send hex instead of base64;
 * a value is read as hex when it has exactly the hex length of its algorithm.
 */
export function parseDigestHeader(value: string | undefined): Checksum[] {
  if (!value) return []
  const checksums: Checksum[] = []
  for (const member of value.split(',')) {
    const equals = member.indexOf('=')
    if (equals < 0) continue
    const algorithm = algorithmFromHeaderName(member.slice(0, equals))
    if (!algorithm) continue
    const hex = digestValueToHex(algorithm, unquote(member.slice(equals + 1).trim()))
    if (hex) checksums.push({algorithm, hex})
  }
  return unique(checksums)
}

/** RFC 9530 `Repr-Digest: sha-256=:<base64>:, sha-512=:<base64>:` (a structured-field dictionary). */
export function parseReprDigestHeader(value: string | undefined): Checksum[] {
  if (!value) return []
  const checksums: Checksum[] = []
  for (const member of value.split(',')) {
    const match = /^\s*([a-z0-9*_.-]+)\s*=\s*:([A-Za-z0-9+/=]*):/i.exec(member)
    if (!match) continue
    const algorithm = algorithmFromHeaderName(match[1] as string)
    if (!algorithm) continue
    const bytes = Buffer.from(match[2] as string, 'base64')
    if (bytes.length === DIGEST_BYTES[algorithm]) checksums.push({algorithm, hex: bytes.toString('hex')})
  }
  return unique(checksums)
}

/** Both headers together, strongest algorithm first, without duplicates. */
export function digestsFromHeaders(digest: string | undefined, reprDigest: string | undefined): Checksum[] {
  const all = unique([...parseReprDigestHeader(reprDigest), ...parseDigestHeader(digest)])
  const order: HashAlgorithm[] = ['sha512', 'sha256', 'sha1', 'md5']
  return all.sort((left, right) => order.indexOf(left.algorithm) - order.indexOf(right.algorithm))
}

function digestValueToHex(algorithm: HashAlgorithm, value: string): string | undefined {
  const expected = DIGEST_BYTES[algorithm]
  if (value.length === expected * 2 && /^[0-9a-f]+$/i.test(value)) return value.toLowerCase()
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return undefined
  const bytes = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64')
  return bytes.length === expected ? bytes.toString('hex') : undefined
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value
}

function unique(checksums: Checksum[]): Checksum[] {
  const seen = new Set<string>()
  return checksums.filter((checksum) => {
    const key = `${checksum.algorithm}:${checksum.hex}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
