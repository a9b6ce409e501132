// Renders verify's verdicts as a human table: one line per mirror with its status and what was compared.
import type {MirrorSet} from '../core/model.js'
import {redactText, redactUrl} from '../core/redact.js'

const MARK: Record<string, string> = {ok: 'ok        ', mismatch: 'MISMATCH  ', stale: 'STALE     ', unreachable: 'down      ', unverified: 'unverified'}

export function renderVerifyTable(set: MirrorSet): string {
  const counts = new Map<string, number>()
  const lines = set.candidates.map((candidate) => {
    const status = candidate.verify?.status ?? 'unverified'
    counts.set(status, (counts.get(status) ?? 0) + 1)
    const summary = candidate.verify ? redactText(candidate.verify.summary) : 'not verified'
    // Reported, not judged: mirrors' clocks and sync times differ.
    const modified = candidate.verify?.modifiedAt ? `  (modified ${candidate.verify.modifiedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')})` : ''
    return `${MARK[status] ?? status}  ${redactUrl(candidate.url)}${modified}\n            ${summary}`
  })
  const size = set.target.size === undefined ? 'size unknown' : `${set.target.size} bytes`
  const totals = [...counts].map(([status, count]) => `${count} ${status}`).join(', ')
  return [`${set.target.name || '(unnamed)'} (${size}): ${totals || 'no candidates'}`, ...lines].join('\n')
}
