// The local FTP mirror's FEAT list and its digest replies: HASH (draft-bryan-ftp-hash) or the legacy XSHA256/XSHA1/XMD5.
import {createHash} from 'node:crypto'
import type {FtpFaults} from './ftp-mirror-state.js'

/** HASH algorithm names as FEAT lists them, and node's names for them. */
export const HASH_ALGORITHMS: Record<string, string> = {'SHA-256': 'sha256', 'SHA-1': 'sha1', MD5: 'md5'}

/** The FEAT lines, shaped by the noSize, noMdtm, mlst, noRest and digests knobs; `selected` is starred in the HASH line. */
export function featureLines(faults: FtpFaults, selected: string): string[] {
  const lines = ['SIZE', 'MDTM', 'EPSV', 'PASV', 'UTF8'].filter((line) => !(line === 'SIZE' && faults.noSize) && !(line === 'MDTM' && faults.noMdtm))
  if (faults.mlst) lines.push('MLST type*;size*;modify*;')
  if (!faults.noRest) lines.push('REST STREAM')
  const digests = faults.digests ?? 'hash'
  if (digests === 'hash') lines.push(`HASH ${Object.keys(HASH_ALGORITHMS).map((name) => (name === selected ? `${name}*` : name)).join(';')}`)
  if (digests === 'legacy') lines.push('XSHA256', 'XSHA1', 'XMD5')
  return lines
}

/** The reply to HASH or X<algorithm> for `content` (undefined when missing), as the announced digest style allows. */
export function digestReply(verb: string, path: string, content: Buffer | undefined, style: 'hash' | 'legacy' | 'none', selected: string): string {
  const legacy = verb !== 'HASH'
  if ((legacy && style !== 'legacy') || (!legacy && style !== 'hash')) return '502 Command not implemented'
  if (!content) return '550 No such file'
  if (legacy) return `250 ${createHash(verb.slice(1).toLowerCase()).update(content).digest('hex')}`
  const hex = createHash(HASH_ALGORITHMS[selected] ?? 'sha256').update(content).digest('hex')
  return `213 ${selected} 0-${Math.max(0, content.length - 1)} ${hex} ${path}`
}
