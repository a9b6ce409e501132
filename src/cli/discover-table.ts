// Renders discover's MirrorSet as a human table: the target, one line per candidate with who found it, then the warnings.
import type {MirrorSet} from '../core/model.js'
import {redactText, redactUrl} from '../core/redact.js'

export function renderDiscoverTable(set: MirrorSet): string {
  const {target} = set
  const size = target.size === undefined ? 'size unknown' : `${target.size} bytes`
  const checksum = target.checksums[0] ? `, ${target.checksums[0].algorithm} ${target.checksums[0].hex.slice(0, 16)}…` : ''
  const lines = [`${target.name || '(unnamed)'} (${size}${checksum}): ${set.candidates.length} candidate${set.candidates.length === 1 ? '' : 's'}`]
  for (const candidate of set.candidates) {
    const extras = [candidate.priority === undefined ? '' : `pri ${candidate.priority}`, candidate.location ?? ''].filter(Boolean).join(' ')
    lines.push(`  ${redactUrl(candidate.url)}  [${candidate.foundBy.join(', ')}]${extras ? ` ${extras}` : ''}`)
  }
  for (const warning of set.warnings ?? []) {
    lines.push(`  warning (${warning.source}${warning.code ? ` ${warning.code}` : ''}): ${redactText(warning.message)}`)
  }
  return lines.join('\n')
}
