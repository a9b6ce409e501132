// A small local FTP server (passive mode only) serving in-memory files, with fault knobs, for tests, benchmarks and the demo.
import {createServer, type Server, type Socket} from 'node:net'
import {servedPath} from './ftp-mirror-faults.js'
import {FtpSession} from './ftp-mirror-session.js'
import type {FtpFaults, FtpMirrorStats, FtpServerState} from './ftp-mirror-state.js'
import {Throttle} from './throttle.js'

export type {FtpFaults, FtpMirrorStats} from './ftp-mirror-state.js'

export type FtpMirrorOptions = {
  /** Served files by path ("file.bin" or "/file.bin"). */
  files: Record<string, Buffer>
  faults?: FtpFaults
  /** When set, logins need this user and password; otherwise any login (anonymous) works. */
  user?: string
  password?: string
  /** Modification time MDTM reports. Default: 2024-01-01T00:00:00Z. */
  modifiedAt?: Date
  /** Port to listen on; default 0 (any free port). */
  port?: number
}

export type FtpMirror = {
  /** "ftp://127.0.0.1:PORT/" */
  url: string
  port: number
  stats: FtpMirrorStats
  /** Replaces the fault knobs for every later command and chunk. */
  setFaults(faults: FtpFaults): void
  close(): Promise<void>
}

export async function startFtpMirror(options: FtpMirrorOptions): Promise<FtpMirror> {
  const sockets = new Set<Socket>()
  const servers = new Set<Server>()
  const faults = options.faults ?? {}
  const stats: FtpMirrorStats = {
    connections: 0,
    dataConnections: 0,
    transfers: 0,
    aborts: 0,
    bytesSent: 0,
    commands: Object.create(null) as Record<string, number>,
    get openSockets() {
      return sockets.size
    },
  }
  const state: FtpServerState = {
    files: new Map(Object.entries(options.files).map(([path, content]) => [servedPath(path), content])),
    faults,
    user: options.user,
    password: options.password,
    modifiedAt: options.modifiedAt ?? new Date('2024-01-01T00:00:00Z'),
    throttle: new Throttle(faults.bytesPerSecond ?? Infinity),
    stats,
    track(socket) {
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
    },
    trackServer(server) {
      servers.add(server)
      server.once('close', () => servers.delete(server))
    },
  }
  const server = createServer((socket) => {
    stats.connections++
    state.track(socket)
    new FtpSession(socket, state)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as {port: number}).port
  return {
    url: `ftp://127.0.0.1:${port}/`,
    port,
    stats,
    setFaults(next) {
      state.faults = next
      state.throttle.setRate(next.bytesPerSecond ?? Infinity)
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const passive of servers) passive.close()
      // Resolve only once every socket has really closed, so callers see a quiet server.
      const gone = [...sockets].map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()).destroy()))
      await Promise.all([closed, ...gone])
    },
  }
}
