// Writes a MirrorSet as a Metalink v4 document (RFC 5854) that aria2c -M and wget2 accept.
import type {MirrorSet} from '../model.js'
import {redactUrl} from '../redact.js'
import {strongestFirst, toMetalinkHashType} from './hash-names.js'

/** XML-escapes text and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (character) => `&${{'<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos'}[character]};`)
}

/** Candidates keep their priority; those without one are numbered in MirrorSet order, which is rank order after `rank`. */
export function writeMetalink(set: MirrorSet, generator = 'mirrorkit'): string {
  const {target} = set
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<metalink xmlns="urn:ietf:params:xml:ns:metalink">',
    `  <generator>${escapeXml(generator)}</generator>`,
    `  <published>${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}</published>`,
    `  <file name="${escapeXml(target.name)}">`,
  ]
  if (target.size !== undefined) lines.push(`    <size>${target.size}</size>`)
  for (const checksum of strongestFirst(target.checksums)) {
    lines.push(`    <hash type="${toMetalinkHashType(checksum.algorithm)}">${checksum.hex}</hash>`)
  }
  if (target.pieces) {
    lines.push(`    <pieces length="${target.pieces.length}" type="${toMetalinkHashType(target.pieces.algorithm)}">`)
    for (const hash of target.pieces.hashes) lines.push(`      <hash>${escapeXml(hash)}</hash>`)
    lines.push('    </pieces>')
  }
  set.candidates.forEach((candidate, index) => {
    const priority = Math.min(999_999, Math.max(1, candidate.priority ?? index + 1))
    const location = candidate.location ? ` location="${escapeXml(candidate.location)}"` : ''
    lines.push(`    <url priority="${priority}"${location}>${escapeXml(redactUrl(candidate.url))}</url>`)
  })
  lines.push('  </file>', '</metalink>', '')
  return lines.join('\n')
}
