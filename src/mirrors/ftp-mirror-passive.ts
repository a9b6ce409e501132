// Opens one passive-mode data listener for the local FTP mirror: it accepts a single connection, then stops listening.
import {createServer, type Socket} from 'node:net'
import type {FtpServerState} from './ftp-mirror-state.js'

/** The port to announce, and the data socket once the client connects to it. */
export async function openPassive(state: FtpServerState): Promise<{port: number; socket: Promise<Socket>}> {
  const server = createServer()
  state.trackServer(server)
  const socket = new Promise<Socket>((accept) => {
    server.once('connection', (connection) => {
      state.track(connection)
      state.stats.dataConnections++
      connection.on('error', () => {})
      server.close()
      accept(connection)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {port: (server.address() as {port: number}).port, socket}
}
