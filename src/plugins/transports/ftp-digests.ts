// Asks an FTP server for whole-file digests: HASH (draft-bryan-ftp-hash) when announced, else the legacy XSHA256/XSHA1/XMD5.
import type {Client} from 'basic-ftp'
import type {Checksum, HashAlgorithm} from '../../core/model.js'

const HEX_LENGTH: Record<HashAlgorithm, number> = {sha512: 128, sha256: 64, sha1: 40, md5: 32}

/** HASH algorithm names as FEAT lists them, best first. */
const HASH_NAMES: [string, HashAlgorithm][] = [
  ['SHA-512', 'sha512'],
  ['SHA-256', 'sha256'],
  ['SHA-1', 'sha1'],
  ['MD5', 'md5'],
]

const LEGACY_COMMANDS: [string, HashAlgorithm][] = [
  ['XSHA512', 'sha512'],
  ['XSHA256', 'sha256'],
  ['XSHA1', 'sha1'],
  ['XMD5', 'md5'],
]

/** The first whitespace-separated hex token of exactly the algorithm's length, lower-cased. */
export function parseDigestReply(message: string, algorithm: HashAlgorithm): string | undefined {
  const length = HEX_LENGTH[algorithm]
  const token = message
    .split(/\s+/)
    .find((word) => word.length === length && /^[0-9a-f]+$/i.test(word))
  return token?.toLowerCase()
}

/** Digests the server offers for `path`; an empty list when it offers none or every command fails. */
export async function ftpDigests(client: Client, features: Map<string, string>, path: string): Promise<Checksum[]> {
  const hash = features.get('HASH')
  if (hash !== undefined) {
    const listed = hash.split(';').map((name) => name.replace(/\*$/, '').toUpperCase())
    const best = HASH_NAMES.find(([name]) => listed.includes(name))
    if (best) {
      const [name, algorithm] = best
      await client.sendIgnoringError(`OPTS HASH ${name}`)
      const reply = await client.sendIgnoringError(`HASH ${path}`)
      const hex = reply.code < 300 ? parseDigestReply(reply.message.slice(4), algorithm) : undefined
      if (hex) return [{algorithm, hex}]
    }
  }
  for (const [command, algorithm] of LEGACY_COMMANDS) {
    if (!features.has(command)) continue
    const reply = await client.sendIgnoringError(`${command} ${path}`)
    const hex = reply.code < 300 ? parseDigestReply(reply.message.slice(4), algorithm) : undefined
    if (hex) return [{algorithm, hex}]
  }
  return []
}
