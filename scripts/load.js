// `npm run load`: a 1 GiB fetch over 64 links from 8 local mirrors (in child processes), reporting peak RSS and open file descriptors during and at the end.
//
// Usage: node scripts/load.js [--size-mib 1024] [--mirrors 8] [--processes 2] [--connections 64] [--per-mirror 8]
// Compiles a private build first (scripts/private-build.js); needs GNU time (apt-get install -y time).
import {spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {createReadStream, existsSync, readdirSync, readFileSync, readlinkSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {privateBuild} from './private-build.js'

const MIB = 1024 * 1024
const root = fileURLToPath(new URL('..', import.meta.url))
const {values} = parseArgs({
  options: {
    'size-mib': {type: 'string', default: '1024'},
    mirrors: {type: 'string', default: '8'},
    processes: {type: 'string', default: '2'},
    connections: {type: 'string', default: '64'},
    'per-mirror': {type: 'string', default: '8'},
    seed: {type: 'string', default: '5'},
    timeout: {type: 'string', default: '900'},
  },
})
const size = Number(values['size-mib']) * MIB
const mirrorCount = Number(values.mirrors)
const processes = Math.min(Number(values.processes), mirrorCount)
const log = (message) => process.stderr.write(`load: ${message}\n`)

if (!existsSync('/usr/bin/time')) {
  log('needs GNU time for the peak RSS: apt-get install -y time')
  process.exit(1)
}

/** Starts one mirror host; resolves with its URLs once it listens. */
function startHost(count) {
  const child = spawn(process.execPath, [path.join(root, 'scripts/load-mirrors.js'), String(size), values.seed, String(count), build.dist], {stdio: ['pipe', 'pipe', 'inherit']})
  const lines = createInterface({input: child.stdout})
  const first = new Promise((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line)))
    child.once('exit', (code) => reject(new Error(`mirror host exited early (${code})`)))
  })
  const last = new Promise((resolve) => {
    let latest
    lines.on('line', (line) => (latest = line))
    child.once('exit', () => resolve(latest ? JSON.parse(latest) : {}))
  })
  return first.then((ready) => ({...ready, child, stop: () => (child.stdin.end(), last)}))
}

/** Open descriptors of a process by kind (socket, pipe, file...), or undefined once it is gone; `sockets` lists their inodes. */
function descriptors(pid) {
  try {
    const counts = {total: 0, socket: 0, pipe: 0, file: 0, other: 0, sockets: []}
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      let target = ''
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`)
      } catch {
        continue
      }
      counts.total++
      if (target.startsWith('socket:')) counts.socket++, counts.sockets.push(target.slice(8, -1))
      else if (target.startsWith('pipe:')) counts.pipe++
      else if (target.startsWith('/')) counts.file++
      else counts.other++
    }
    return counts
  } catch {
    return undefined
  }
}

/** What each socket inode is: a TCP connection (local -> remote port) or a Unix socket. */
function describeSockets(pid, inodes) {
  const known = new Map()
  for (const table of ['tcp', 'tcp6']) {
    let text = ''
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8')
    } catch {
      continue
    }
    for (const line of text.trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      const port = (address) => Number.parseInt(address.split(':')[1], 16)
      known.set(fields[9], `${table} :${port(fields[1])} -> :${port(fields[2])} state ${fields[3]}`)
    }
  }
  return inodes.map((inode) => known.get(inode) ?? `unix or other (inode ${inode})`)
}

function childPid(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]) || undefined
  } catch {
    return undefined
  }
}

async function fileSha256(file) {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, {highWaterMark: 4 * MIB})) hash.update(chunk)
  return hash.digest('hex')
}

const build = privateBuild(log)
const perHost = Array.from({length: processes}, (_, index) => Math.floor(mirrorCount / processes) + (index < mirrorCount % processes ? 1 : 0))
log(`starting ${mirrorCount} mirrors of a ${size / MIB} MiB file in ${processes} processes`)
const hosts = await Promise.all(perHost.map((count) => startHost(count)))
const urls = hosts.flatMap((host) => host.urls)
const sha256 = hosts[0].sha256
const directory = await mkdtemp(path.join(tmpdir(), 'mirrorkit-load-'))
const output = path.join(directory, 'load.bin')
const timeFile = path.join(directory, 'time.txt')
let report
try {
  const args = [
    '-f', '%M %e %U %S', '-o', timeFile, build.binary, 'fetch', ...urls, '-o', output,
    '--connections', values.connections, '--per-mirror', values['per-mirror'], '--checksum', `sha256:${sha256}`, '--progress', 'json', '--json',
  ]
  const started = Date.now()
  const child = spawn('/usr/bin/time', args, {stdio: ['ignore', 'pipe', 'pipe']})
  let pid
  const peak = {total: 0, socket: 0, file: 0}
  let atStart
  let atEnd
  let links = 0
  let stdout = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
    // The summary is printed after the engine closed its transports and files: what is still open now leaked.
    if (!atEnd && pid) {
      atEnd = descriptors(pid)
      if (atEnd) atEnd.sockets = describeSockets(pid, atEnd.sockets)
    }
  })
  createInterface({input: child.stderr}).on('line', (line) => {
    if (line.includes('"type":"link-start"')) links++
    if (!atStart && line.includes('"type":"start"') && pid) atStart = descriptors(pid)
    if (!line.startsWith('{')) log(`fetch: ${line.slice(0, 300)}`)
  })
  const sampler = setInterval(() => {
    pid ??= childPid(child.pid)
    const now = pid ? descriptors(pid) : undefined
    if (now) for (const kind of ['total', 'socket', 'file']) peak[kind] = Math.max(peak[kind], now[kind])
  }, 50)
  const guard = setTimeout(() => child.kill('SIGKILL'), Number(values.timeout) * 1000)
  const code = await new Promise((resolve) => child.once('close', resolve))
  clearInterval(sampler)
  clearTimeout(guard)
  const wallSeconds = (Date.now() - started) / 1000
  const [peakRssKb, elapsed, user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number)
  const matches = code === 0 && (await fileSha256(output)) === sha256
  const served = await Promise.all(hosts.map((host) => host.stop()))
  const bytesServed = served.flatMap((entry) => entry.bytesSent ?? []).reduce((sum, bytes) => sum + bytes, 0)
  let summary
  try {
    summary = JSON.parse(stdout)
  } catch {
    summary = undefined
  }
  if (atStart) delete atStart.sockets
  // Unix sockets are Node's own (its stdio and worker plumbing); TCP connections still open after the summary leaked.
  const tcpAtEnd = (atEnd?.sockets ?? []).filter((entry) => entry.startsWith('tcp')).length
  report = {
    file: `${size / MIB} MiB`,
    mirrors: mirrorCount,
    mirrorProcesses: processes,
    connections: Number(values.connections),
    perMirror: Number(values['per-mirror']),
    exit: code,
    sha256Matches: matches,
    wallSeconds: Number(wallSeconds.toFixed(1)),
    elapsedSeconds: elapsed,
    cpuSeconds: Number((user + system).toFixed(1)),
    rateMiBps: summary ? Number((summary.rate / MIB).toFixed(1)) : undefined,
    peakRssMB: Number((peakRssKb / 1024).toFixed(1)),
    linksStarted: links,
    descriptors: {atStart, peak, atEnd},
    leakedTcpConnections: atEnd ? tcpAtEnd : 'unknown (no summary seen)',
    bytesServed,
    bytesOverFile: bytesServed - size,
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  const ok = matches && atEnd !== undefined && tcpAtEnd === 0 && atEnd.file <= (atStart?.file ?? Infinity)
  log(`${ok ? 'PASS' : 'FAIL'}: peak RSS ${report.peakRssMB} MB, fds at start ${atStart?.total}, peak ${peak.total} (${peak.socket} sockets), at the end ${atEnd?.total} (${atEnd?.socket} sockets)`)
  process.exitCode = ok ? 0 : 1
} finally {
  for (const host of hosts) if (host.child.exitCode === null) host.child.kill('SIGTERM')
  await rm(directory, {recursive: true, force: true})
  build.remove()
}
