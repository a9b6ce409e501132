// Waits until destroyed sockets have really closed: their handles close one event-loop turn later, and a process that exits first reports them as leaked.
import type {Socket} from 'node:net'

/**
 * Resolves once `socket`'s handle has closed. A destroyed socket already reads as `closed`, but libuv closes
 * its handle only in the "close callbacks" phase; two setImmediate turns always pass that phase.
 */
export function socketClosed(socket: Socket | undefined): Promise<void> {
  if (!socket) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearImmediate(turn)
      socket.off('close', done)
      resolve()
    }
    // Cleared on "close", so no pending immediate outlives the wait either.
    let turn = setImmediate(() => {
      turn = setImmediate(done)
    })
    socket.once('close', done)
  })
}
