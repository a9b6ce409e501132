// Whole-file hashing and the `algorithm:hex` checksum syntax users type.
import {createHash} from 'node:crypto'
import {open} from 'node:fs/promises'
import {AbortedError, UsageError} from './errors.js'
import {HASH_ALGORITHMS, type Checksum, type HashAlgorithm} from './model.js'

const HEX_LENGTH: Record<HashAlgorithm, number> = {md5: 32, sha1: 40, sha256: 64, sha512: 128}

/** Parses "sha256:<hex>" (sha512, sha1 and md5 too). */
export function parseChecksum(text: string): Checksum {
  const match = /^([a-z0-9-]+)[:=]([0-9a-f]+)$/i.exec(text.trim())
  const algorithm = match?.[1]?.toLowerCase().replace('-', '') as HashAlgorithm | undefined
  if (!match || !algorithm || !HASH_ALGORITHMS.includes(algorithm) || match[2]!.length !== HEX_LENGTH[algorithm]) {
    throw new UsageError(`--checksum wants algorithm:hex with sha256, sha512, sha1 or md5 (got ${JSON.stringify(text)})`, 'EUSAGE')
  }
  return {algorithm, hex: match[2]!.toLowerCase()}
}

/** The strongest checksum of a list, since checking one strong hash is enough. */
export function strongest(checksums: readonly Checksum[]): Checksum | undefined {
  return [...checksums].sort((a, b) => HASH_ALGORITHMS.indexOf(a.algorithm) - HASH_ALGORITHMS.indexOf(b.algorithm))[0]
}

/** Hashes a file with 1 MiB reads; stops promptly when `signal` aborts. */
export async function hashFile(path: string, algorithm: HashAlgorithm, signal: AbortSignal): Promise<string> {
  const hash = createHash(algorithm)
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.allocUnsafe(1024 * 1024)
    for (;;) {
      if (signal.aborted) throw new AbortedError(undefined, signal.reason)
      const {bytesRead} = await handle.read(buffer, 0, buffer.length, null)
      if (bytesRead === 0) break
      hash.update(buffer.subarray(0, bytesRead))
    }
  } finally {
    await handle.close()
  }
  return hash.digest('hex')
}
