// Starts one trial's mirrors (real daemons by default, Node mirrors where a daemon is missing), shapes them, and gives the trial one way to fault and count each.
import path from 'node:path'
import {startDaemon} from './daemons.js'
import {addDelays} from './delays.js'
import {startMirror} from './mirrors.js'
import {copyRoot, publishedRoot} from './wrong-copies.js'

/** Body bytes through a class before "the first byte was sent": more than handshakes and response headers. */
const FIRST_DATA_BYTES = 64 * 1024

/**
 * `specs` are [{protocol: 'http'|'https'|'ftp'|'sftp', cap: bytes/s or undefined, copy: 'good'|'short'|'spread', published: a SHA256SUMS in its root,
 * roundTrip: ms of delay added by a relay in front of the server (HTTP only: FTP data connections would bypass it)}].
 * `context` gives servers ('daemons' or 'node'), the tc shaper (or none: caps by the Node mirrors'
 * token buckets) and what is installed. Returns {mirrors, urls, clientArguments, caFile, stop()}.
 */
export async function startMirrorSet({specs, content, context}) {
  const {shaper} = context
  const fileName = path.basename(content.path)
  const mirrors = await Promise.all(
    specs.map(async (spec) => {
      const copied = await copyRoot(content, spec.copy ?? 'good')
      const root = spec.published ? await publishedRoot(content, spec.copy ?? 'good', copied) : copied
      const useDaemon = context.servers === 'daemons' && context.daemons[spec.protocol] && (shaper || spec.cap === undefined)
      if (useDaemon) return daemonMirror(await startDaemon({protocol: spec.protocol, root, fileName, namespace: shaper?.namespace}), spec, shaper)
      if (spec.protocol !== 'http') throw new Error(`no ${spec.protocol} server: ${spec.protocol === 'https' ? 'nginx and openssl' : spec.protocol === 'ftp' ? 'vsftpd' : 'sshd'} needed`)
      const file = path.join(root, fileName)
      return nodeMirror(await startMirror({file, bandwidth: shaper ? undefined : spec.cap, namespace: shaper?.namespace}), spec, shaper)
    }),
  )
  let relay
  try {
    if (shaper) {
      shaper.reset()
      // The caps sit on the servers' own ports, so a relay in front of them forwards capped traffic.
      mirrors.forEach((mirror, index) => specs[index].cap && shaper.shapePorts(mirror.ports, specs[index].cap))
    }
    relay = await addDelays({mirrors, delays: specs.map((spec) => spec.roundTrip), namespace: shaper?.namespace})
  } catch (error) {
    await Promise.all(mirrors.map((mirror) => mirror.stop()))
    throw error
  }
  return {
    mirrors,
    urls: mirrors.map((mirror) => mirror.url),
    clientArguments: [...new Set(mirrors.flatMap((mirror) => mirror.clientArguments))],
    caFile: mirrors.find((mirror) => mirror.caFile)?.caFile,
    kinds: mirrors.map((mirror) => mirror.kind),
    async stop() {
      await relay.stop()
      await Promise.all(mirrors.map((mirror) => mirror.stop()))
      if (shaper) shaper.reset()
    },
  }
}

function daemonMirror(daemon, spec, shaper) {
  return {
    kind: daemon.daemon,
    url: daemon.url,
    ports: daemon.ports,
    clientArguments: daemon.clientArguments,
    caFile: daemon.caFile,
    stats: daemon.stats,
    degrade: async (rate) => shaper.setRate(daemon.port, rate),
    stall: async () => daemon.pause(),
    counters: () => (shaper && spec.cap ? shaper.counters(daemon.port) : undefined),
    hasSentData: async () => (shaper?.sentBytes(daemon.port) ?? 0) > FIRST_DATA_BYTES || ((await daemon.stats()).bytesSent ?? 0) > 0,
    stop: daemon.stop,
  }
}

function nodeMirror(mirror, spec, shaper) {
  return {
    kind: 'node',
    url: mirror.url,
    ports: [mirror.port],
    clientArguments: [],
    stats: mirror.stats,
    degrade: async (rate) => (shaper ? shaper.setRate(mirror.port, rate) : mirror.setFaults({bandwidth: rate})),
    stall: async () => mirror.setFaults({bandwidth: shaper ? undefined : spec.cap, stallAfter: 0}),
    counters: () => (shaper && spec.cap ? shaper.counters(mirror.port) : undefined),
    hasSentData: async () => (await mirror.stats()).bytesSent > 0,
    stop: mirror.stop,
  }
}
