// A small local SFTP server (ssh2) serving in-memory files with a generated host key and fault knobs, for tests, benchmarks and the demo.
import {createServer, type Socket} from 'node:net'
import ssh2 from 'ssh2'
import {servedPath} from './ftp-mirror-faults.js'
import {serveSftp, type SftpFaults, type SftpMirrorStats, type SftpServerState} from './sftp-mirror-session.js'
import {Throttle} from './throttle.js'
import {generateSshKeyPair} from './ssh-keys.js'

const {Server, utils} = ssh2

export type SftpMirrorOptions = {
  files: Record<string, Buffer>
  faults?: SftpFaults
  /** User name every login must use. Default: "mirror". */
  user?: string
  /** Accepted password; when neither this nor publicKeys is given, any password works. */
  password?: string
  /** Accepted client public keys, as OpenSSH "ssh-ed25519 AAAA..." lines. */
  publicKeys?: string[]
  /** Modification time STAT reports. Default: 2024-01-01T00:00:00Z. */
  modifiedAt?: Date
  port?: number
}

export type SftpMirror = {
  /** "sftp://USER@127.0.0.1:PORT/" */
  url: string
  port: number
  user: string
  /** The server's host key as a known_hosts line ("[127.0.0.1]:PORT ssh-ed25519 AAAA..."). */
  knownHostsLine: string
  stats: SftpMirrorStats
  setFaults(faults: SftpFaults): void
  close(): Promise<void>
}

export async function startSftpMirror(options: SftpMirrorOptions): Promise<SftpMirror> {
  const hostKey = generateSshKeyPair()
  const user = options.user ?? 'mirror'
  const allowedKeys = (options.publicKeys ?? []).map((line) => {
    const parsed = utils.parseKey(line)
    if (parsed instanceof Error) throw new TypeError(`Expected an OpenSSH public key line, got ${JSON.stringify(line.slice(0, 40))}`)
    return Array.isArray(parsed) ? parsed[0] : parsed
  })
  const anyPassword = options.password === undefined && allowedKeys.length === 0
  const sockets = new Set<Socket>()
  const faults = options.faults ?? {}
  const stats: SftpMirrorStats = {
    connections: 0,
    reads: 0,
    bytesSent: 0,
    peakPendingReads: 0,
    get openSockets() {
      return sockets.size
    },
  }
  const state: SftpServerState = {
    files: new Map(Object.entries(options.files).map(([path, content]) => [servedPath(path), content])),
    faults,
    modifiedAt: options.modifiedAt ?? new Date('2024-01-01T00:00:00Z'),
    throttle: new Throttle(faults.bytesPerSecond ?? Infinity),
    stats,
  }
  const ssh = new Server({hostKeys: [hostKey.private]}, (connection) => {
    stats.connections++
    connection.on('error', () => {})
    connection.on('authentication', (context) => {
      if (context.username !== user) return context.reject()
      if (context.method === 'password' && (anyPassword || context.password === options.password)) return context.accept()
      if (context.method === 'publickey') {
        const key = allowedKeys.find((allowed) => allowed.getPublicSSH().equals(context.key.data))
        if (key && (!context.signature || !context.blob)) return context.accept()
        if (key && context.signature && context.blob && key.verify(context.blob, context.signature, context.hashAlgo) === true) return context.accept()
      }
      context.reject(['password', 'publickey'])
    })
    connection.on('ready', () => {
      connection.on('session', (accept) => {
        accept().on('sftp', (acceptSftp) => serveSftp(acceptSftp(), state, () => connection.end()))
      })
    })
  })
  // Our own listener hands sockets to ssh2, so close() can destroy every one of them.
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    ssh.injectSocket(socket)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as {port: number}).port
  const publicLine = hostKey.public.split(' ').slice(0, 2).join(' ')
  return {
    url: `sftp://${encodeURIComponent(user)}@127.0.0.1:${port}/`,
    port,
    user,
    knownHostsLine: `[127.0.0.1]:${port} ${publicLine}`,
    stats,
    setFaults(next) {
      state.faults = next
      state.throttle.setRate(next.bytesPerSecond ?? Infinity)
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // Resolve only once every socket has really closed, so callers see a quiet server.
      const gone = [...sockets].map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()).destroy()))
      await Promise.all([closed, ...gone])
    },
  }
}
