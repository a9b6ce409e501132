// Checks issue #13's targets against a run's results and says, for each, whether it was met and by what numbers.

const RSS_LIMIT_MB = 80
/** Peak RSS counts as flat when the big file costs at most this much more memory than the small one. */
const FLAT_RSS_RATIO = 1.1
const CPU_RATIO_LIMIT = 1.25
const RECEIVED_LIMIT = 1.01

export function checkTargets(results) {
  const targets = []
  const add = (name, met, detail) => targets.push({name, met, detail})
  const rows = (scenario) => results[scenario]?.rows ?? []
  const row = (scenario, client) => rows(scenario).filter((each) => each.client === client).sort((a, b) => b.bytes - a.bytes)[0]
  const fraction = (each) => (each ? each.fraction.toFixed(3) : '-')

  for (const scenario of ['caps', 'caps-https']) {
    const mine = row(scenario, 'mirrorkit')
    if (!mine) continue
    const aria = row(scenario, 'aria2Tuned')
    add(`${scenario}: mirrorkit >= 0.97 of the caps`, mine.fraction >= 0.97, fraction(mine))
    if (aria) add(`${scenario}: mirrorkit ahead of tuned aria2c`, mine.fraction > aria.fraction, `${fraction(mine)} vs ${fraction(aria)}`)
    const cuts = totalCuts(mine)
    if (cuts !== undefined) add(`${scenario}: no cuts on healthy mirrors`, cuts === 0, `${cuts} cuts, ${mine.phases.links} links (${perMirror(mine.phases.linksPerMirror, mine.bytesPerMirror.length)} per mirror)`)
    const received = receivedRatio(mine)
    if (received !== undefined) add(`${scenario}: bytes received <= ${RECEIVED_LIMIT} x the file`, received <= RECEIVED_LIMIT, `${received.toFixed(4)} x (tc counters, headers included)`)
  }
  const rtt = row('caps-rtt', 'mirrorkit')
  const rttAria = row('caps-rtt', 'aria2Tuned')
  if (rtt && rttAria) add('caps-rtt: mirrorkit ahead of tuned aria2c', rtt.fraction > rttAria.fraction, `${fraction(rtt)} vs ${fraction(rttAria)}`)
  for (const [scenario, limit] of [['degrade', 0.95], ['stall', 0.95], ['short', 0.97], ['mixed', 0.97]]) {
    const mine = row(scenario, 'mirrorkit')
    if (mine) add(`${scenario}: mirrorkit >= ${limit} of ${scenario === 'mixed' ? 'the caps' : 'the ideal time'}`, mine.fraction >= limit, fraction(mine))
  }
  const spread = (results.spread?.runs ?? []).filter((run) => run.client === 'mirrorkit')
  if (spread.length > 0) {
    const good = spread.filter((run) => run.verified && run.culpritNamed).length
    add('spread: repaired and the culprit named in every run', good === spread.length, `${good} of ${spread.length} runs`)
  }
  for (const scenario of ['unshaped', 'unshaped-https']) {
    const mine = row(scenario, 'mirrorkit')
    const aria = row(scenario, 'aria2Tuned')
    if (mine?.cpuSeconds && aria?.cpuSeconds && mine.bytes === aria.bytes) {
      const ratio = mine.cpuSeconds / aria.cpuSeconds
      add(`${scenario}: CPU <= ${CPU_RATIO_LIMIT} x tuned aria2c`, ratio <= CPU_RATIO_LIMIT, `${ratio.toFixed(2)} x (${mine.cpuSeconds.toFixed(2)} vs ${aria.cpuSeconds.toFixed(2)} CPU s for ${(mine.bytes / 2 ** 30).toFixed(2)} GiB)`)
    }
  }
  const rss = results.unshaped?.mirrorkitRss ?? []
  if (rss.length >= 1) {
    const sorted = [...rss].sort((a, b) => a.bytes - b.bytes)
    const peak = Math.max(...sorted.map((each) => each.peakRssMB))
    add(`peak RSS <= ${RSS_LIMIT_MB} MB`, peak <= RSS_LIMIT_MB, `${peak.toFixed(0)} MB`)
    if (sorted.length >= 2) {
      const ratio = sorted.at(-1).peakRssMB / sorted[0].peakRssMB
      add('peak RSS flat in file size', ratio <= FLAT_RSS_RATIO, sorted.map((each) => `${(each.bytes / 2 ** 20).toFixed(0)} MiB: ${each.peakRssMB.toFixed(0)} MB`).join(', '))
    }
  }
  return targets
}

function totalCuts(row) {
  if (!row.phases) return undefined
  return Object.values(row.phases.cuts).reduce((sum, count) => sum + count, 0)
}

function perMirror(counts, mirrors) {
  return Array.from({length: mirrors}, (_, index) => counts?.[index] ?? 0).join('/')
}

/** What reached the client from all mirrors (tc counters) over the file size; undefined without tc. */
function receivedRatio(row) {
  if (!row.droppedPerMirror?.some((value) => value !== undefined)) return undefined
  const total = row.bytesPerMirror.reduce((sum, bytes) => sum + (bytes ?? 0), 0)
  return total / row.bytes
}
