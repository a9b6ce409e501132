// One measured download: start the mirrors, shape them, run one client, apply timed faults, verify the bytes, clean up.
import {mkdir, rm, rmdir, writeFile} from 'node:fs/promises'
import {loadavg} from 'node:os'
import path from 'node:path'
import {clients} from './clients.js'
import {fileSha256} from './content-file.js'
import {scheduleFaults} from './fault-clock.js'
import {measure} from './measure.js'
import {startMirrorSet} from './mirror-set.js'
import {mirrorkitPhases} from './phases.js'
import {downloadDirectory, eventsDirectory} from './paths.js'

/** Side files the clients leave next to their output (aria2 control file, axel state, mirrorkit part and control files). */
const SIDE_SUFFIXES = ['', '.aria2', '.st', '.part', '.mirrorkit']

/**
 * Runs `clientName` against one mirror per entry of `mirrors` ([{protocol, cap, copy}]; `caps`, bytes/s
 * or undefined, is short for plain HTTP mirrors). `events` are [{at: seconds, mirror: index, action:
 * 'degrade' | 'stall', factor}], timed from the client's spawn or from the first body byte any mirror
 * sends (`faultClock`). A client is given only the mirrors whose protocol it speaks here.
 */
export async function runTrial({clientName, content, caps, mirrors, events = [], faultClock = 'spawn', context, timeoutMs, extra}) {
  const client = clients[clientName]
  const specs = mirrors ?? caps.map((cap) => ({protocol: 'http', cap}))
  const used = specs.map((spec) => client.protocols.includes(spec.protocol))
  const set = await startMirrorSet({specs, content, context})
  const output = path.join(downloadDirectory, `${clientName}-${path.basename(content.path)}`)
  await mkdir(downloadDirectory, {recursive: true})
  await removeOutputs(output)
  const applied = []
  try {
    const loadBefore = loadavg()[0]
    let faults
    // JSON progress events cost little and tell where mirrorkit's time went.
    const isMirrorkit = clientName.startsWith('mirrorkit')
    const progressArguments = isMirrorkit ? ['--progress', 'json', ...set.clientArguments] : []
    const urls = set.urls.filter((_, index) => used[index])
    const clientOptions = {urls, output, caFile: set.caFile, extra: [...progressArguments, ...(extra ?? [])]}
    const result = await measure({
      command: client.command,
      args: client.args(clientOptions),
      environment: client.environment?.(clientOptions),
      namespace: context.shaper?.namespace,
      timeoutMs,
      onStart: (startedAt) => {
        faults = scheduleFaults({events, clock: faultClock, mirrors: set.mirrors, fire: (event) => applyEvent({event, set, specs, startedAt, applied})})
        return {cancel: faults.cancel, startedAt}
      },
    })
    const firstByteAt = faults?.firstByteAt()
    const eventsFile = isMirrorkit ? await saveEvents(clientName, content, result.stderr) : undefined
    const sha256 = result.exitCode === 0 && !result.timedOut ? await fileSha256(output).catch(() => undefined) : undefined
    const serverStats = await Promise.all(set.mirrors.map((mirror) => mirror.stats().catch(() => undefined)))
    // A stopped server writes its log only once it runs again.
    const counters = set.mirrors.map((mirror) => mirror.counters())
    // Under tc the servers' own counts include bytes still queued in socket buffers when a client hung up.
    const bytesPerMirror = set.mirrors.map((_, index) => counters[index]?.bytes ?? serverStats[index]?.bytesSent)
    return {
      client: clientName,
      label: client.label,
      ...result,
      verified: sha256 === content.sha256,
      servers: set.kinds,
      mirrorsUsed: used,
      bytesPerMirror,
      requestsPerMirror: serverStats.map((stats) => stats?.requests),
      connectionsPerMirror: serverStats.map((stats) => stats?.connections),
      droppedPerMirror: counters.map((each) => each?.dropped),
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
    if (!context.options.keep) {
      await removeOutputs(output)
      await rmdir(downloadDirectory).catch(() => undefined)
    }
  }
}

async function applyEvent({event, set, specs, startedAt, applied}) {
  const mirror = set.mirrors[event.mirror]
  try {
    if (event.action === 'degrade') await mirror.degrade(specs[event.mirror].cap * event.factor)
    else if (event.action === 'stall') await mirror.stall()
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
