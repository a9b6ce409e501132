// Checks the targets against a run's results and says, for each, whether it was met and by what numbers.

const RSS_LIMIT_MB = 120
/** Peak RSS counts as flat when the big file costs at most this much more memory than the small one. */
const FLAT_RSS_RATIO = 1.25

export function checkTargets(results) {
  const targets = []
  const add = (name, met, detail) => targets.push({name, met, detail})
  const row = (scenario, client, pick = (rows) => rows[0]) => pick((results[scenario]?.rows ?? []).filter((each) => each.client === client))

  // The --cross-check 0 row shows the transfer without the end-of-download re-reads, for diagnosis only.
  const alone = (scenario) => {
    const transfer = row(scenario, 'mirrorkitNoCheck')
    return transfer ? ` (with --cross-check 0: ${transfer.fraction.toFixed(3)})` : ''
  }
  const caps = results.caps
  const mine = caps && row('caps', 'mirrorkit')
  if (mine) {
    const others = caps.rows.filter((each) => !each.client.startsWith('mirrorkit'))
    const best = Math.max(0, ...others.map((each) => each.fraction))
    add('caps: mirrorkit >= 0.97 of the sum of caps', mine.fraction >= 0.97, `${mine.fraction.toFixed(3)}${alone('caps')}`)
    if (others.length > 0) add('caps: mirrorkit beats aria2c and axel', mine.fraction > best, `${mine.fraction.toFixed(3)} vs best other ${best.toFixed(3)}`)
    // Not a target: the same comparison over the servers' transfer window, which leaves out each client's start-up.
    const inTransfer = (each) => each.transferFraction ?? 0
    if (others.length > 0 && mine.transferFraction) {
      add('caps, transfer window only (first request to last byte at the mirrors)', null, `mirrorkit ${inTransfer(mine).toFixed(3)}, best other ${Math.max(...others.map(inTransfer)).toFixed(3)}`)
    }
  }
  for (const scenario of ['degrade', 'stall']) {
    const faulted = results[scenario] && row(scenario, 'mirrorkit')
    if (faulted) add(`${scenario}: mirrorkit >= 0.90 of ideal time`, faulted.fraction >= 0.9, `${faulted.fraction.toFixed(3)}${alone(scenario)}`)
  }
  const biggest = (rows) => rows.sort((a, b) => b.bytes - a.bytes)[0]
  const cpuMine = row('unshaped', 'mirrorkit', biggest)
  const cpuAria = row('unshaped', 'aria2Tuned', biggest)
  if (cpuMine?.cpuSecondsPerGibibyte && cpuAria?.cpuSecondsPerGibibyte) {
    const ratio = cpuMine.cpuSecondsPerGibibyte / cpuAria.cpuSecondsPerGibibyte
    add('unshaped: CPU per GiB <= 1.5x aria2c', ratio <= 1.5, `${ratio.toFixed(2)}x (${cpuMine.cpuSecondsPerGibibyte.toFixed(2)} vs ${cpuAria.cpuSecondsPerGibibyte.toFixed(2)} CPU s/GiB)`)
  }
  const rss = results.unshaped?.mirrorkitRss ?? []
  if (rss.length >= 2) {
    const sorted = [...rss].sort((a, b) => a.bytes - b.bytes)
    const peak = Math.max(...sorted.map((each) => each.peakRssMB))
    const ratio = sorted.at(-1).peakRssMB / sorted[0].peakRssMB
    add(`peak RSS < ${RSS_LIMIT_MB} MB`, peak < RSS_LIMIT_MB, `${peak.toFixed(0)} MB`)
    add('peak RSS flat in file size', ratio <= FLAT_RSS_RATIO, sorted.map((each) => `${(each.bytes / 2 ** 20).toFixed(0)} MiB: ${each.peakRssMB.toFixed(0)} MB`).join(', '))
  }
  return targets
}
