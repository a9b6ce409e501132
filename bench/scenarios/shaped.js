// The shaped scenarios as data (mirrors, faults, clients) and the one runner that measures each against its ideal time.
import {contentFile} from '../content-file.js'
import {idealSeconds} from '../ideal.js'
import {clients} from '../clients.js'
import {runTrial} from '../trial.js'
import {CAPS, extraArguments, interleaved, medianRows, pickClients, shapedSize, timeLimitMs} from './shared.js'

const FAULT_AT_SECONDS = 3
const DEGRADED_FACTOR = 0.01
/** Round trips added by the relay in front of each mirror, fastest first: a near, a regional and two far mirrors. */
export const ROUND_TRIPS_MS = [20, 60, 120, 250]
const http = (protocol = 'http') => CAPS.map((cap) => ({protocol, cap}))
const CAPS_CLIENTS = ['mirrorkit', 'aria2Tuned', 'aria2Defaults', 'axel']
/** aria2c's defaults use the first URL only, the faulted one; axel crashes on a stopped server (exit 139). */
const FAULT_CLIENTS = ['mirrorkit', 'aria2Tuned', 'axel']

/** Each scenario: its mirrors ([{protocol, cap, copy}]), timed faults, default clients, and whether the client gets the file's SHA-256. */
export const shapedScenarios = {
  caps: {
    description: 'four nginx mirrors capped at 80/40/20/10 Mbit/s: throughput as a fraction of the sum of the caps',
    mirrors: http(),
    clients: CAPS_CLIENTS,
  },
  'caps-rtt': {
    description: `caps with ${ROUND_TRIPS_MS.join('/')} ms round trips (a userspace relay in front of each nginx)`,
    mirrors: CAPS.map((cap, index) => ({protocol: 'http', cap, roundTrip: ROUND_TRIPS_MS[index]})),
    clients: CAPS_CLIENTS,
  },
  'caps-https': {
    description: 'caps over HTTPS (nginx with a certificate from a test CA)',
    mirrors: http('https'),
    clients: CAPS_CLIENTS,
  },
  degrade: {
    description: `the 80 Mbit/s mirror drops to 1% of its cap ${FAULT_AT_SECONDS} s in: ideal time / wall time`,
    mirrors: http(),
    events: [{at: FAULT_AT_SECONDS, mirror: 0, action: 'degrade', factor: DEGRADED_FACTOR}],
    clients: FAULT_CLIENTS,
  },
  stall: {
    description: `the 80 Mbit/s server is stopped (SIGSTOP, sockets stay open) ${FAULT_AT_SECONDS} s in: ideal time / wall time`,
    mirrors: http(),
    events: [{at: FAULT_AT_SECONDS, mirror: 0, action: 'stall'}],
    clients: ['mirrorkit', 'aria2Tuned'],
  },
  short: {
    description: 'the 40 Mbit/s mirror serves a copy 1 MiB short: ideal time over the other three / wall time',
    mirrors: CAPS.map((cap, index) => ({protocol: 'http', cap, copy: index === 1 ? 'short' : 'good'})),
    clients: FAULT_CLIENTS,
  },
  spread: {
    description: 'the 80 Mbit/s mirror has one byte wrong every 16 MiB; clients get the SHA-256: repaired, and the culprit named',
    mirrors: CAPS.map((cap, index) => ({protocol: 'http', cap, copy: index === 0 ? 'spread' : 'good'})),
    checksum: true,
    clients: ['mirrorkit', 'aria2Tuned'],
  },
  'spread-published': {
    description: 'as spread, but no client is given the SHA-256: every root publishes a correct SHA256SUMS beside the file (issue #17): repaired from the look-up, and the culprit named',
    mirrors: CAPS.map((cap, index) => ({protocol: 'http', cap, copy: index === 0 ? 'spread' : 'good', published: true})),
    clients: ['mirrorkit', 'aria2Tuned'],
  },
  mixed: {
    description: 'nginx 80, vsftpd 40, sshd 20, nginx 10 Mbit/s (aria2c and axel without the SFTP mirror): fraction of the caps they were given',
    mirrors: [{protocol: 'http', cap: CAPS[0]}, {protocol: 'ftp', cap: CAPS[1]}, {protocol: 'sftp', cap: CAPS[2]}, {protocol: 'http', cap: CAPS[3]}],
    clients: ['mirrorkit', 'aria2Tuned', 'axel'],
  },
}

/**
 * The ideal time of a client given the mirrors it could use: the caps of its good mirrors, minus
 * what a fault takes away from the moment the fault really hit (counted from the spawn).
 */
function idealFor(size, scenario, used, faultAt) {
  const good = scenario.mirrors.map((mirror, index) => (used[index] && (mirror.copy ?? 'good') === 'good' ? mirror.cap : 0))
  const total = good.reduce((sum, cap) => sum + cap, 0)
  const event = scenario.events?.[0]
  if (!event || faultAt === undefined) return size / total
  const lost = event.action === 'stall' ? good[event.mirror] : good[event.mirror] * (1 - event.factor)
  return idealSeconds(size, [{from: 0, rate: total}, {from: faultAt, rate: total - lost}])
}

export async function runShaped(context, name) {
  const scenario = shapedScenarios[name]
  const content = await contentFile(shapedSize(context.options))
  const clock = context.options.faultClock
  const clientNames = pickClients(context, scenario.clients)
  const runs = await interleaved(context, clientNames, async (clientName, round) => {
    const used = scenario.mirrors.map((mirror) => clients[clientName].protocols.includes(mirror.protocol))
    const estimate = idealFor(content.size, scenario, used, scenario.events?.[0]?.at)
    context.log(`${name}: ${clientName} (${content.size / 2 ** 20} MiB, ideal about ${estimate.toFixed(1)} s, round ${round} of ${context.options.repeat})`)
    const row = await runTrial({
      clientName,
      content,
      mirrors: scenario.mirrors,
      events: scenario.events,
      faultClock: clock,
      context,
      timeoutMs: timeLimitMs(estimate, context.options.quick),
      extra: [...extraArguments(context, clientName), ...(scenario.checksum ? checksumArguments(clientName, content.sha256) : [])],
    })
    const faultAt = row.faultsApplied.find((applied) => applied.appliedAt !== undefined)?.appliedAt
    // A client that finished before the fault hit had the whole capacity all along.
    const ideal = idealFor(content.size, scenario, used, faultAt)
    const culprits = row.phases?.quarantined ?? []
    return {
      ...row,
      bytes: content.size,
      faultAt,
      idealSeconds: ideal,
      fraction: row.verified ? ideal / row.wallSeconds : 0,
      transferFraction: row.verified && row.transferSeconds ? ideal / row.transferSeconds : undefined,
      culpritNamed: scenario.mirrors.some((mirror) => mirror.copy === 'spread') && clientName.startsWith('mirrorkit') ? culprits.includes(0) : undefined,
    }
  })
  return {bytes: content.size, faultClock: scenario.events ? clock : undefined, description: scenario.description, rows: medianRows(runs, 'fraction'), runs}
}

function checksumArguments(clientName, sha256) {
  if (clientName.startsWith('mirrorkit')) return ['--checksum', `sha256:${sha256}`]
  return clientName.startsWith('aria2') ? [`--checksum=sha-256=${sha256}`] : []
}
