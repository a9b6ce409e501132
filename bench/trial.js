// One measured download: start the mirrors, shape them, run one client, apply timed faults, verify the bytes, clean up.
import {mkdir, rm, rmdir, writeFile} from 'node:fs/promises'
import {loadavg} from 'node:os'
import path from 'node:path'
import {clients} from './clients.js'
import {fileSha256} from './content-file.js'
import {scheduleFaults} from './fault-clock.js'
import {measure} from './measure.js'
import {mirrorkitPhases} from './phases.js'
import {startMirrors} from './mirrors.js'
import {downloadDirectory, eventsDirectory} from './paths.js'

/** Side files the clients leave next to their output (aria2 control file, axel state, mirrorkit part and control files). */
const SIDE_SUFFIXES = ['', '.aria2', '.st', '.part', '.mirrorkit']

/**
 * Runs `clientName` against one mirror per entry of `caps` (bytes/s; undefined = uncapped).
 * `events` are [{at: seconds, mirror: index, action: 'degrade' | 'stall', factor}], timed from the
 * client's spawn or from the first body byte any mirror sends (`faultClock`).
 * With a tc `shaper`, caps are enforced by the kernel instead of by the mirrors.
 */
export async function runTrial({clientName, content, caps, events = [], faultClock = 'first-byte', shaper, timeoutMs, keep, extra}) {
  const client = clients[clientName]
  const serverCaps = shaper ? caps.map(() => undefined) : caps
  const set = await startMirrors({file: content.path, caps: serverCaps, namespace: shaper?.namespace})
  const output = path.join(downloadDirectory, `${clientName}-${path.basename(content.path)}`)
  await mkdir(downloadDirectory, {recursive: true})
  await removeOutputs(output)
  const applied = []
  try {
    if (shaper) {
      shaper.reset()
      set.mirrors.forEach((mirror, index) => caps[index] && shaper.shapePort(mirror.port, caps[index]))
    }
    const loadBefore = loadavg()[0]
    let faults
    // JSON progress events cost little and tell where mirrorkit's time went.
    const isMirrorkit = clientName.startsWith('mirrorkit')
    const progressArguments = isMirrorkit ? ['--progress', 'json'] : []
    const result = await measure({
      command: client.command,
      args: client.args({urls: set.urls, output, extra: [...progressArguments, ...(extra ?? [])]}),
      namespace: shaper?.namespace,
      timeoutMs,
      onStart: (startedAt) => {
        faults = scheduleFaults({events, clock: faultClock, mirrors: set.mirrors, fire: (event) => applyEvent({event, set, caps, shaper, startedAt, applied})})
        return {cancel: faults.cancel, startedAt}
      },
    })
    const firstByteAt = faults?.firstByteAt()
    const eventsFile = isMirrorkit ? await saveEvents(clientName, content, result.stderr) : undefined
    const sha256 = result.exitCode === 0 && !result.timedOut ? await fileSha256(output).catch(() => undefined) : undefined
    const serverStats = await Promise.all(set.mirrors.map((mirror) => mirror.stats().catch(() => undefined)))
    // Under tc the servers' own counts include bytes still queued in socket buffers when a client hung up.
    const bytesPerMirror = shaper ? set.mirrors.map((mirror) => shaper.sentBytes(mirror.port)) : serverStats.map((stats) => stats?.bytesSent)
    return {
      client: clientName,
      label: client.label,
      ...result,
      verified: sha256 === content.sha256,
      bytesPerMirror,
      faultsApplied: applied,
      firstByteSeconds: firstByteAt === undefined ? undefined : (firstByteAt - result.startedAt) / 1000,
      transferSeconds: transferWindow(serverStats),
      eventsFile,
      phases: isMirrorkit ? mirrorkitPhases(result.stderr, result.spawnedAt, result.exitedAt) : undefined,
      load: [loadBefore, loadavg()[0]],
      stdout: undefined,
      stderr: result.exitCode === 0 ? undefined : result.stderr.slice(-2000) + result.stdout.slice(-1000),
      spawnedAt: undefined,
      exitedAt: undefined,
      startedAt: undefined,
    }
  } finally {
    await set.stop()
    if (shaper) shaper.reset()
    if (!keep) {
      await removeOutputs(output)
      await rmdir(downloadDirectory).catch(() => undefined)
    }
  }
}

async function applyEvent({event, set, caps, shaper, startedAt, applied}) {
  const mirror = set.mirrors[event.mirror]
  const cap = caps[event.mirror]
  try {
    if (event.action === 'degrade' && shaper) shaper.setRate(mirror.port, cap * event.factor)
    else if (event.action === 'degrade') await mirror.setFaults({bandwidth: cap * event.factor})
    else if (event.action === 'stall') await mirror.setFaults({bandwidth: shaper ? undefined : cap, stallAfter: 0})
    applied.push({...event, appliedAt: (performance.now() - startedAt) / 1000})
  } catch (error) {
    applied.push({...event, error: error.message})
  }
}

/** Keeps mirrorkit's JSON-lines events for a closer look (rates per mirror, cuts, steals, hedges). */
async function saveEvents(clientName, content, stderr) {
  await mkdir(eventsDirectory, {recursive: true})
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const file = path.join(eventsDirectory, `${stamp}-${clientName}-${path.basename(content.path, '.bin')}.jsonl`)
  await writeFile(file, stderr)
  return file
}

async function removeOutputs(output) {
  await Promise.all(SIDE_SUFFIXES.map((suffix) => rm(`${output}${suffix}`, {force: true})))
}

/**
 * Seconds from the first request any mirror received to the last body byte any mirror sent: the
 * download as the servers saw it, the same for every client, without the client's own start-up.
 */
function transferWindow(serverStats) {
  const first = serverStats.map((stats) => stats?.firstRequestAt).filter((value) => typeof value === 'number')
  const last = serverStats.map((stats) => stats?.lastByteAt).filter((value) => typeof value === 'number')
  if (first.length === 0 || last.length === 0) return undefined
  return (Math.max(...last) - Math.min(...first)) / 1000
}
