// Sends one file over an FTP data connection, applying the mirror's bandwidth cap and fault knobs.
import type {Socket} from 'node:net'
import {setTimeout as sleep} from 'node:timers/promises'
import {corruptBytes, type MirrorFaults} from './ftp-mirror-faults.js'
import type {Throttle} from './throttle.js'

const CHUNK_BYTES = 16 * 1024

/** How a transfer ended: all bytes sent, the client went away, we dropped it on purpose, or it stalls forever. */
export type TransferOutcome = 'complete' | 'closed' | 'reset' | 'stalled'

export type TransferPlan = {
  socket: Socket
  content: Buffer
  offset: number
  faults: MirrorFaults
  throttle: Throttle
  signal: AbortSignal
  onBytes(count: number): void
}

/** Streams content[offset..] to the socket; resolves once the socket is finished or dropped. */
export async function sendFile(plan: TransferPlan): Promise<TransferOutcome> {
  const {socket, content, faults, throttle, signal} = plan
  let closed = false
  socket.once('close', () => {
    closed = true
  })
  try {
    if (faults.firstByteDelayMs) await sleep(faults.firstByteDelayMs, undefined, {signal})
    let sent = 0
    let position = plan.offset
    while (position < content.length) {
      if (closed || signal.aborted) return 'closed'
      let take = Math.min(CHUNK_BYTES, content.length - position)
      if (faults.stallAfter !== undefined) take = Math.min(take, faults.stallAfter - sent)
      if (faults.resetAfter !== undefined) take = Math.min(take, faults.resetAfter - sent)
      if (take <= 0) break
      await throttle.take(take, signal)
      const chunk = corruptBytes(content.subarray(position, position + take), position, faults.corrupt)
      if (!socket.write(chunk)) await drained(socket, signal)
      plan.onBytes(take)
      sent += take
      position += take
    }
    if (position < content.length && faults.resetAfter !== undefined && sent >= faults.resetAfter) {
      socket.resetAndDestroy()
      return 'reset'
    }
    if (position < content.length && faults.stallAfter !== undefined) {
      // Hold the connection open without sending, until the client or the server gives up.
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve())
        signal.addEventListener('abort', () => resolve(), {once: true})
      })
      return 'stalled'
    }
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve())
      socket.end(() => resolve())
    })
    return 'complete'
  } catch {
    return 'closed'
  }
}

function drained(socket: Socket, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // A write on a socket the client already closed returns false, and its 'close' has fired: nothing will drain.
    if (socket.destroyed) return resolve()
    const done = () => {
      socket.off('drain', done)
      socket.off('close', done)
      signal.removeEventListener('abort', done)
      resolve()
    }
    socket.on('drain', done)
    socket.on('close', done)
    signal.addEventListener('abort', done, {once: true})
  })
}
