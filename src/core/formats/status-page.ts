// The status page: one self-contained HTML file (inline style and script, no network) with a sortable table of mirrors, their verdicts and an SVG chart.
import type {Candidate, MirrorSet} from '../model.js'
import {roundTripMs} from '../ranking/score.js'
import {formatBytes, formatRate} from '../units.js'
import {escapeXml as escapeHtml} from './metalink-write.js'
import {historyChart, mirrorChart, type StatusPoint} from './status-chart.js'

export type StatusPageOptions = {title?: string; generatedAt?: string; history?: StatusPoint[]; lastSuccess?: Record<string, string>}

const STYLE = `body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.3em}table{border-collapse:collapse;width:100%;margin-top:1em}
th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}th{cursor:pointer;background:#f4f4f4;user-select:none}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#2e7d32}.mismatch{color:#c62828;font-weight:bold}.unreachable{color:#757575}.unverified{color:#f9a825}.stale{color:#6d4c41}.small{color:#666;font-size:12px}`

/** Sorts by the clicked column, numbers by data-value, toggling direction; no library, no network. */
const SCRIPT = `document.querySelectorAll('#mirrors th').forEach((th, column) => th.addEventListener('click', () => {
  const body = document.querySelector('#mirrors tbody')
  const ascending = th.getAttribute('aria-sort') !== 'ascending'
  document.querySelectorAll('#mirrors th').forEach((other) => other.removeAttribute('aria-sort'))
  th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending')
  const value = (row) => row.children[column].dataset.value ?? row.children[column].textContent
  const numeric = th.dataset.type === 'number'
  const rows = [...body.rows].sort((a, b) => {
    const x = value(a), y = value(b)
    // Unmeasured mirrors stay at the bottom in either direction.
    if (x === '' || y === '') return (x === '') - (y === '')
    const order = numeric ? Number(x) - Number(y) : String(x).localeCompare(String(y))
    return ascending ? order : -order
  })
  body.append(...rows)
}))`

function cell(text: string, value?: number | string, className?: string): string {
  const data = value === undefined ? ' data-value=""' : ` data-value="${escapeHtml(String(value))}"`
  return `<td${className ? ` class="${className}"` : ''}${data}>${escapeHtml(text)}</td>`
}

function vantageText(candidate: Candidate): string {
  const vantages = candidate.rank?.vantages
  if (!vantages) return candidate.rank?.vantage ?? ''
  return vantages.map((entry) => `${entry.vantage}: ${entry.error ? entry.error.code : formatRate(entry.bytesPerSecond)}`).join(', ')
}

function row(candidate: Candidate, position: number, lastSuccess: Record<string, string>): string {
  const status = candidate.verify?.status ?? 'unverified'
  const rank = candidate.rank
  const rtt = rank && !rank.error ? roundTripMs(rank) : undefined
  const rate = rank && !rank.error ? rank.bytesPerSecond : undefined
  return `<tr data-url="${escapeHtml(candidate.url)}">${[
    cell(String(position), position, 'n'),
    cell(candidate.url),
    cell(status, status, status),
    cell(rate === undefined ? (rank?.error ? rank.error.code : '-') : formatRate(rate), rate, 'n'),
    cell(rtt === undefined ? '-' : `${rtt.toFixed(1)} ms`, rtt, 'n'),
    cell(rank?.score === undefined || rank.error ? '-' : `${rank.score.toFixed(2)} s`, rank?.error ? undefined : rank?.score, 'n'),
    cell(vantageText(candidate)),
    cell(lastSuccess[candidate.url] ?? ''),
    cell(candidate.verify?.summary ?? rank?.error?.message ?? ''),
  ].join('')}</tr>`
}

/** The page for a verified or ranked MirrorSet; `history` adds the over-time chart of a schedule's status directory. */
export function renderStatusPage(set: MirrorSet, options: StatusPageOptions = {}): string {
  const title = options.title ?? `mirrors of ${set.target.name || 'the target'}`
  const counts = new Map<string, number>()
  for (const candidate of set.candidates) counts.set(candidate.verify?.status ?? 'unverified', (counts.get(candidate.verify?.status ?? 'unverified') ?? 0) + 1)
  const summary = [...counts].map(([status, count]) => `<span class="${status}">${count} ${status}</span>`).join(', ')
  const size = set.target.size === undefined ? '' : `, ${formatBytes(set.target.size)}`
  const columns = [['#', 'number'], ['mirror', 'text'], ['verdict', 'text'], ['throughput', 'number'], ['round trip', 'number'], ['score', 'number'], ['vantages', 'text'], ['last success', 'text'], ['evidence', 'text']]
  const combined = set.candidates.find((candidate) => candidate.rank?.combined)?.rank?.combined
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(set.target.name)}${escapeHtml(size)}: ${set.candidates.length} mirrors, ${summary}.${combined ? ` Scores: ${escapeHtml(combined)}.` : ''}
<span class="small">Generated ${escapeHtml(options.generatedAt ?? new Date().toISOString())} by mirrorkit.</span></p>
${mirrorChart(set.candidates)}
${historyChart(options.history ?? [])}
<table id="mirrors"><thead><tr>${columns.map(([name, type]) => `<th data-type="${type}">${name}</th>`).join('')}</tr></thead>
<tbody>${set.candidates.map((candidate, index) => row(candidate, index + 1, options.lastSuccess ?? {})).join('\n')}</tbody></table>
<script>${SCRIPT}</script>
</body></html>
`
}
