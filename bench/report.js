// Prints the results as readable tables and writes the full JSON summary to bench/out/results-<date>.json.
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {outDirectory} from './paths.js'

const fixed = (value, digits = 2) => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '-')

/** Columns shared by every scenario, then the scenario's own measure (fraction, or MB per CPU second). */
function columns(scenario) {
  const common = [
    ['client', (row) => row.label],
    ['ok', (row) => (row.verified ? 'yes' : row.timedOut ? 'TIMEOUT' : `NO (exit ${row.exitCode})`)],
    ['MiB', (row) => fixed(row.bytes / 2 ** 20, 0)],
    ['wall s', (row) => fixed(row.wallSeconds)],
    ['MB/s', (row) => fixed(row.bytes / 1e6 / row.wallSeconds)],
    ['CPU s', (row) => fixed(row.cpuSeconds)],
    ['CPU s/GiB', (row) => fixed(row.cpuSeconds / (row.bytes / 2 ** 30))],
    ['peak RSS MB', (row) => fixed(row.peakRssMB, 0)],
  ]
  const phases = ['mirrorkit start/transfer/checks/exit s', (row) => renderPhases(row.phases)]
  // With --repeat, each row is the client's median run; the spread is of the measure the median is taken on.
  const spread = (name, digits) => [`runs (${name} range)`, (row) => (row.runs > 1 && row.spread ? `${row.runs} (${fixed(row.spread[0], digits)}-${fixed(row.spread[1], digits)})` : '')]
  if (scenario.startsWith('unshaped')) return [...common, ['MB/CPU s', (row) => fixed(row.megabytesPerCpuSecond, 0)], spread('CPU s', 2), phases]
  const capped = ['caps', 'caps-https', 'caps-rtt', 'mixed', 'relay', 'batch-small', 'batch-mixed', 'batch-medium'].includes(scenario)
  const label = capped ? 'of caps' : 'of ideal'
  const faulted = capped ? [] : [['ideal s', (row) => fixed(row.idealSeconds)], ['fault at s', (row) => fixed(row.faultAt)]]
  // The servers' view: first request received to last byte sent, without the client's start-up.
  const transfer = [['transfer s', (row) => fixed(row.transferSeconds)], ...(capped ? [['of caps in transfer', (row) => fixed(row.transferFraction, 3)]] : [])]
  // What the servers saw: requests (and TCP connections) per mirror; what tc saw: packets its FIFOs dropped.
  const servers = [
    ['requests (conns) per mirror', (row) => (row.requestsPerMirror ?? []).map((requests, index) => (requests === undefined ? '-' : `${requests}(${row.connectionsPerMirror?.[index] ?? '-'})`)).join('/')],
    ['drops', (row) => (row.droppedPerMirror ?? []).map((value) => value ?? '-').join('/')],
  ]
  const engine = [
    ...(scenario === 'relay' ? [['of cap after 2 round trips', (row) => fixed(row.afterRoundTrips, 3)]] : []),
    ['mk links/cuts', (row) => (row.phases ? `${row.phases.links}/${Object.values(row.phases.cuts).reduce((sum, count) => sum + count, 0)}` : '')],
    ...(scenario.startsWith('spread') ? [['culprit named', (row) => (row.culpritNamed === undefined ? '' : row.culpritNamed ? 'yes' : 'NO')]] : []),
  ]
  return [...common, ...faulted, [label, (row) => fixed(row.fraction, 3)], ...transfer, ['bytes per mirror %', (row) => sharePercent(row)], ...servers, spread(label, 3), ...engine, phases]
}

function renderPhases(phases) {
  if (!phases) return ''
  return [phases.startup, phases.transfer, phases.checks, phases.exit].map((value) => fixed(value, 1)).join('/')
}

function sharePercent(row) {
  const sent = row.bytesPerMirror ?? []
  const total = sent.reduce((sum, bytes) => sum + (bytes ?? 0), 0)
  if (!total) return '-'
  // Above 100% in total means bytes were fetched twice (hedging, retries of cut links).
  return sent.map((bytes) => ((100 * (bytes ?? 0)) / row.bytes).toFixed(0)).join('/')
}

export function renderTable(scenario, result) {
  const spec = columns(scenario)
  const lines = [spec.map(([title]) => title), ...result.rows.map((row) => spec.map(([, cell]) => String(cell(row))))]
  const widths = spec.map((_, index) => Math.max(...lines.map((line) => line[index].length)))
  const format = (line) => line.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]) : cell.padStart(widths[index]))).join('  ')
  const ideal = result.faultClock ? `, faults timed from the ${result.faultClock === 'spawn' ? 'spawn' : 'first byte'}` : ''
  return [`${scenario}${ideal}`, format(lines[0]), ...lines.slice(1).map(format)].join('\n')
}

export function renderTargets(targets) {
  const mark = (target) => (target.met === null ? 'info' : target.met ? 'met' : 'MISSED')
  return ['targets', ...targets.map((target) => `  [${mark(target)}] ${target.name}: ${target.detail}`)].join('\n')
}

/** Writes results-<UTC timestamp>.json and returns its path. */
export async function writeSummary(summary) {
  await mkdir(outDirectory, {recursive: true})
  const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..+$/, '')
  const file = path.join(outDirectory, `results-${stamp}.json`)
  await writeFile(file, `${JSON.stringify(summary, null, 2)}\n`)
  return file
}
