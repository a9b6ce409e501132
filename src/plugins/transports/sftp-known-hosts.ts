// Checks an SSH host key against OpenSSH known_hosts text: plain and hashed (|1|salt|hash) names, [host]:port, wildcards and @revoked.
import {createHash, createHmac} from 'node:crypto'

export type HostKeyStatus = 'known' | 'unknown' | 'changed' | 'revoked'

/** OpenSSH's fingerprint of a raw host key blob: "SHA256:" and unpadded base64. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`
}

/** The key type named inside an SSH public key blob ("ssh-ed25519"). */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown'
  const length = blob.readUInt32BE(0)
  return blob.subarray(4, 4 + length).toString('latin1')
}

/** The name known_hosts uses for a host: bare on port 22, "[host]:port" otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

function wildcardMatch(pattern: string, name: string): boolean {
  const expression = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${expression}$`, 'i').test(name)
}

function hashedMatch(entry: string, name: string): boolean {
  const [, magic, salt, hash] = entry.split('|')
  if (magic !== '1' || !salt || !hash) return false
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash
}

/** Whether a known_hosts host field (comma-separated patterns, "!" negations, or one hashed entry) names `name`. */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatch(field, name)
  let matched = false
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(pattern.slice(1), name)) return false
    } else if (wildcardMatch(pattern, name)) {
      matched = true
    }
  }
  return matched
}

/**
 * How `blob` (the key the server presented) stands against `text`: known when a line for the host
 * holds this key, changed when lines for the host hold only other keys of the same type.
 */
export function checkHostKey(text: string, host: string, port: number, blob: Buffer): HostKeyStatus {
  const name = knownHostName(host, port)
  const type = keyType(blob)
  const encoded = blob.toString('base64')
  let sameTypeOther = false
  let known = false
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    let fields = line.split(/\s+/)
    let marker: string | undefined
    if (fields[0]?.startsWith('@')) {
      marker = fields[0]
      fields = fields.slice(1)
    }
    const [hosts, lineType, key] = fields
    if (!hosts || !lineType || !key || !hostFieldMatches(hosts, name)) continue
    // Certificate authorities sign host certificates; a plain key presented by the server never matches one.
    if (marker === '@cert-authority') continue
    if (marker === '@revoked') {
      if (key === encoded) return 'revoked'
      continue
    }
    if (key === encoded) known = true
    else if (lineType === type) sameTypeOther = true
  }
  if (known) return 'known'
  return sameTypeOther ? 'changed' : 'unknown'
}
