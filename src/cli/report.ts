// The one-screen human report of `get` and `demo`: what each stage found, decided, measured and downloaded.
import {describeProof} from '../core/download/proof-summary.js'
import type {MirrorSet} from '../core/model.js'
import type {PipelineReport} from '../core/pipeline.js'
import {redactText, redactUrl} from '../core/redact.js'
import {formatBytes, formatRate, formatSeconds} from '../core/units.js'
import {renderBars} from './bar-chart.js'

const MAX_LISTED = 8
const seconds = (milliseconds: number) => formatSeconds(milliseconds / 1000)
const indent = (lines: string[]) => lines.map((line) => `          ${line}`)
const counted = (counts: Map<string, number>) => [...counts].map(([key, count]) => `${key} ${count}`).join(', ')

function tally(values: string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return counts
}

export function renderDiscoverLine(set: MirrorSet, durationMs: number): string[] {
  const bySource = tally(set.candidates.flatMap((candidate) => candidate.foundBy))
  const size = set.target.size === undefined ? 'size unknown' : formatBytes(set.target.size)
  const hash = set.target.checksums[0] ? `, ${set.target.checksums[0].algorithm} known` : ''
  const lines = [`discover  ${set.candidates.length} candidates for ${set.target.name || '(unnamed)'} (${size}${hash}) in ${seconds(durationMs)}: ${counted(bySource)}`]
  const warnings = set.warnings ?? []
  for (const warning of warnings.slice(0, 3)) lines.push(...indent([`warning (${warning.source}): ${redactText(warning.message)}`]))
  if (warnings.length > 3) lines.push(...indent([`and ${warnings.length - 3} more warnings (--verbose lists them)`]))
  return lines
}

export function renderVerifyLines(set: MirrorSet, durationMs: number): string[] {
  const statuses = tally(set.candidates.map((candidate) => candidate.verify?.status ?? 'unverified'))
  const lines = [`verify    ${counted(statuses)} in ${seconds(durationMs)}`]
  const rejected = set.candidates.filter((candidate) => candidate.verify && candidate.verify.status !== 'ok')
  for (const candidate of rejected.slice(0, MAX_LISTED)) {
    const verdict = candidate.verify!
    const reason = verdict.error ? `${verdict.error.code}: ${verdict.error.message}` : verdict.summary
    lines.push(...indent([`${verdict.status.toUpperCase().padEnd(11)} ${redactUrl(candidate.url)}`, `            ${redactText(reason).slice(0, 160)}`]))
  }
  return lines
}

export function renderRankLines(set: MirrorSet, durationMs: number): string[] {
  const measured = set.candidates.filter((candidate) => candidate.rank)
  const lines = [`rank      ${measured.length} measured in ${seconds(durationMs)}, best first`]
  const shown = measured.slice(0, MAX_LISTED)
  const bars = renderBars(shown.map((candidate) => (candidate.rank?.error ? undefined : candidate.rank?.bytesPerSecond)), 16)
  const width = Math.max(0, ...shown.map((candidate) => redactUrl(candidate.url).length))
  shown.forEach((candidate, index) => {
    const rank = candidate.rank!
    const rate = rank.error ? `failed ${rank.error.code}` : formatRate(rank.bytesPerSecond).padStart(11)
    lines.push(...indent([`${String(index + 1).padStart(2)}  ${redactUrl(candidate.url).padEnd(width)}  ${rate}  ${bars[index]}`]))
  })
  return lines
}

export function renderFetchLines(report: PipelineReport['fetch']): string[] {
  const lines = [
    `fetch     ${formatBytes(report.size)} in ${seconds(report.durationMs)} (${formatRate(report.rate)}) over ${report.links} links -> ${report.output}`,
  ]
  const width = Math.max(0, ...report.mirrors.map((mirror) => redactUrl(mirror.url).length))
  // Shares of what was received, which exceeds the file size by the hedged and refetched pieces.
  const received = report.mirrors.reduce((total, mirror) => total + mirror.bytes, 0)
  if (received > report.size) lines.push(...indent([`received ${formatBytes(received)} for ${formatBytes(report.size)}: the rest were hedges, refetches and cross-check re-reads`]))
  for (const mirror of [...report.mirrors].sort((a, b) => b.bytes - a.bytes)) {
    const share = received > 0 ? Math.round((mirror.bytes / received) * 100) : 0
    const extra = [mirror.cuts ? `${mirror.cuts} cuts` : '', mirror.faults ? `${mirror.faults} faults` : '', mirror.state === 'active' ? '' : mirror.state, mirror.reason ?? '']
      .filter(Boolean)
      .join(', ')
    lines.push(
      ...indent([`${redactUrl(mirror.url).padEnd(width)}  ${formatBytes(mirror.bytes).padStart(10)} ${String(share).padStart(3)}%  ${formatRate(mirror.rate).padStart(11)}${extra ? `  (${redactText(extra)})` : ''}`]),
    )
  }
  for (const check of report.checks) lines.push(...indent([`${check.ok ? 'ok' : 'FAILED'}  ${check.name}: ${check.detail}`]))
  lines.push(...indent([describeProof(report.proof)]))
  return lines
}

/** Every stage in a dozen or two lines: enough to see what happened without scrolling. */
export function renderPipelineReport(report: PipelineReport): string {
  return [
    ...renderDiscoverLine(report.discover, report.durations.discover),
    ...renderVerifyLines(report.verify, report.durations.verify),
    ...renderRankLines(report.rank, report.durations.rank),
    ...renderFetchLines(report.fetch),
  ].join('\n')
}
