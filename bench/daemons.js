// Real servers as benchmark mirrors: one nginx process per HTTP(S) mirror (sendfile on), vsftpd for FTP, OpenSSH sshd for SFTP, started by test/interop/start.sh.
import {existsSync, readFileSync} from 'node:fs'
import {mkdir, readFile, rm, rmdir} from 'node:fs/promises'
import path from 'node:path'
import {spawnTracked, stopChild} from './children.js'
import {outDirectory, projectDirectory} from './paths.js'

const START_SCRIPT = path.join(projectDirectory, 'test', 'interop', 'start.sh')
const START_TIMEOUT_MS = 60_000
const DAEMONS = {http: 'nginx', https: 'nginx', ftp: 'vsftpd', sftp: 'sshd'}
/** Where each run's daemon directories go (git-ignored), so nothing is left in /tmp. */
const daemonsDirectory = path.join(outDirectory, 'daemons', String(process.pid))
/** The test CA that signs every HTTPS mirror's certificate; clients are given its ca.pem. */
export const caDirectory = path.join(outDirectory, 'test-ca')
let started = 0

/** Which protocols a real daemon can serve here. */
export function daemonsInstalled() {
  const has = (name) => existsSync(`/usr/sbin/${name}`)
  return {http: has('nginx'), https: has('nginx') && existsSync('/usr/bin/openssl'), ftp: has('vsftpd'), sftp: has('sshd')}
}

/**
 * Starts one daemon serving `root` (a directory holding `fileName`) for `protocol` (http, https,
 * ftp, sftp), inside `namespace` when given. Returns the mirror: its URL, the server-side ports to
 * shape, pause/resume (SIGSTOP/SIGCONT: sockets stay open, nothing is sent), its request log, stop().
 */
export async function startDaemon({protocol, root, fileName, namespace}) {
  const directory = path.join(daemonsDirectory, String(++started))
  await mkdir(directory, {recursive: true})
  const options = ['--services', DAEMONS[protocol], '--root', root]
  if (protocol === 'https') options.push('--tls', caDirectory)
  if (protocol.startsWith('http')) options.push('--access-log')
  const command = ['bash', START_SCRIPT, directory, ...options]
  const [program, args] = namespace ? ['ip', ['netns', 'exec', namespace, ...command]] : [command[0], command.slice(1)]
  // Its own process group: the daemons stay in it after start.sh exits, so stopping the group stops them.
  const child = spawnTracked(program, args)
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const code = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), START_TIMEOUT_MS)
    child.once('exit', (exitCode) => {
      clearTimeout(timer)
      resolve(exitCode)
    })
  })
  if (code !== 0) {
    await stopChild(child)
    throw new Error(`${DAEMONS[protocol]} did not start (${code}): ${output.slice(-500)}`)
  }
  const env = JSON.parse(await readFile(path.join(directory, 'env.json'), 'utf8'))
  const pidFile = path.join(directory, `${DAEMONS[protocol]}.pid`)
  const pid = Number(readFileSync(pidFile, 'utf8'))
  const encoded = encodeURIComponent(fileName)
  const {url, ports, clientArguments} = describe(protocol, env, root, encoded)
  // nginx's master hands connections to its worker: both are stopped, so neither sends nor accepts.
  const processes = () => [pid, ...childrenOf(pid)]
  const signal = (name) => processes().forEach((each) => tryKill(each, name))
  return {
    protocol,
    daemon: DAEMONS[protocol],
    url,
    port: ports[0],
    ports,
    clientArguments,
    caFile: protocol === 'https' ? env.http.ca : undefined,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    stats: async () => (env.http.accessLog ? readAccessLog(env.http.accessLog) : {}),
    async stop() {
      signal('SIGCONT')
      await stopChild(child)
      await rm(directory, {recursive: true, force: true})
      // The run's own directory goes with its last daemon (it is not empty while others still run).
      await rmdir(daemonsDirectory).catch(() => undefined)
    },
  }
}

function describe(protocol, env, root, encoded) {
  const host = '127.0.0.1'
  if (protocol === 'ftp') {
    const [first, last] = env.ftp.passivePorts
    const passive = Array.from({length: last - first + 1}, (_, index) => first + index)
    return {url: `ftp://${host}:${env.ftp.port}/${encoded}`, ports: [env.ftp.port, ...passive], clientArguments: []}
  }
  if (protocol === 'sftp') {
    const file = `${root.split('/').map(encodeURIComponent).join('/')}/${encoded}`
    return {
      url: `sftp://${env.ssh.user}@${host}:${env.ssh.port}${file}`,
      ports: [env.ssh.port],
      clientArguments: ['--identity', env.ssh.identity, '--known-hosts', env.ssh.knownHosts],
    }
  }
  return {url: `${env.http.scheme}://${host}:${env.http.port}/${encoded}`, ports: [env.http.port], clientArguments: []}
}

/**
 * nginx's request log as the benchmark's server statistics: requests, connections, body bytes, and
 * the window from the first request's arrival to the last response's end (epoch ms).
 */
async function readAccessLog(file) {
  let text
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return {requests: 0, connections: 0, bytesSent: 0}
  }
  const stats = {requests: 0, connections: 0, bytesSent: 0, firstRequestAt: undefined, lastByteAt: undefined}
  const connections = new Set()
  for (const line of text.split('\n')) {
    const [ended, duration, , bodyBytes, , connection] = line.split(' ')
    if (!ended || !Number.isFinite(Number(ended))) continue
    const endedAt = Number(ended) * 1000
    const arrivedAt = endedAt - Number(duration) * 1000
    stats.requests++
    connections.add(connection)
    stats.bytesSent += Number(bodyBytes)
    stats.firstRequestAt = Math.min(stats.firstRequestAt ?? Infinity, arrivedAt)
    stats.lastByteAt = Math.max(stats.lastByteAt ?? 0, endedAt)
  }
  stats.connections = connections.size
  return stats
}

function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return []
  }
}

function tryKill(pid, signal) {
  try {
    process.kill(pid, signal)
  } catch {
    // Already gone.
  }
}
