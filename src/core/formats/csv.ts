// Writes a MirrorSet's candidates as RFC 4180 CSV, one row per mirror, safe to open in a spreadsheet.
import type {MirrorSet} from '../model.js'
import {redactUrl} from '../redact.js'

const COLUMNS = ['url', 'found_by', 'priority', 'location', 'verdict', 'score', 'bytes_per_second'] as const

/** Quotes when needed, and defuses cells a spreadsheet would run as a formula. */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return ''
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function writeCsv(set: MirrorSet): string {
  const rows = set.candidates.map((candidate) =>
    [
      redactUrl(candidate.url),
      candidate.foundBy.join(' '),
      candidate.priority,
      candidate.location,
      candidate.verify?.status,
      candidate.rank?.score,
      candidate.rank?.bytesPerSecond,
    ]
      .map(csvCell)
      .join(','),
  )
  return [COLUMNS.join(','), ...rows].join('\r\n') + '\r\n'
}
