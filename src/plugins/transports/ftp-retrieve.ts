// One REST + RETR on a logged-in basic-ftp client, read straight from the data socket, that can stop early and still keep the control connection for the next transfer.
import type {Socket} from 'node:net'
import {PassThrough} from 'node:stream'
import {FTPError, type Client, type FTPResponse} from 'basic-ftp'

/**
 * How long a stopped transfer may wait for the server's last reply ("426" for the closed data connection, or
 * "226" when it had sent everything) before its control connection is given up: one round trip behind a busy queue.
 */
export const FINAL_REPLY_WAIT_MS = 2000

/** Bytes buffered between the data socket and the reader; enough to keep the socket busy, small enough to push back. */
const READ_BUFFER_BYTES = 256 * 1024

export type Retrieval = {
  /** The file's bytes from the offset on; iterate once. */
  data: AsyncIterable<Buffer>
  /** The server's final reply: "226" resolves, an error reply (e.g. "550", "426") rejects with its FTPError. */
  finished: Promise<FTPResponse>
  /**
   * Ends the data connection (if still open) and resolves true once the control connection is in step again:
   * the final reply arrived within FINAL_REPLY_WAIT_MS, so the next command gets its own answer.
   */
  settle(): Promise<boolean>
}

/**
 * Opens the data connection (EPSV or PASV), sends REST (when `offset` > 0) and RETR, and resolves once the
 * server says the transfer starts ("150"). A refusal before that (no such file, no REST) rejects with its
 * FTPError, leaving the control connection usable. basic-ftp's downloadTo cannot stop early without closing
 * the whole client; a new login costs about ten round trips, and in the mixed bench 0.3-0.5 s behind the
 * server's shaped queue for every span.
 */
export async function retrieve(client: Client, path: string, offset: number): Promise<Retrieval> {
  const {ftp} = client
  const remotePath = await client.protectWhitespace(path)
  await client.prepareTransfer(ftp)
  const socket = ftp.dataSocket as Socket | undefined
  if (!socket) throw new Error('ftp: no data connection after EPSV/PASV')
  let started!: () => void
  let refused!: (error: unknown) => void
  const starting = new Promise<void>((resolve, reject) => ([started, refused] = [resolve, reject]))
  let stopped = false
  const finished = ftp.handle(offset > 0 ? `REST ${offset}` : `RETR ${remotePath}`, (response, task) => {
    if (response instanceof Error) {
      refused(response)
      task.reject(response)
    } else if (response.code === 350) {
      ftp.send(`RETR ${remotePath}`)
    } else if (response.code === 150 || response.code === 125) {
      // The control connection is quiet during the transfer: its idle timeout must not end it.
      ftp.socket.setTimeout(0)
      started()
    } else if (response.code >= 200 && response.code < 300) {
      task.resolve(response)
    } else if (response.code >= 300) {
      const error = new FTPError(response)
      refused(error)
      task.reject(error)
    }
  })
  // Either is read by the caller later, or not at all once it stopped: their failures are expected, not unhandled.
  finished.catch(() => {})
  starting.catch(() => {})
  await starting
  // Read through a stream of our own: when basic-ftp closes the client (an abort, a control failure) it strips the data
  // socket of every listener, so the socket itself would never end; the failure reaches the reader through `finished`.
  const sink = new PassThrough({highWaterMark: READ_BUFFER_BYTES})
  socket.pipe(sink)
  finished.catch((error: unknown) => sink.destroy(error as Error))
  const endData = () => {
    stopped = true
    socket.unpipe(sink)
    sink.destroy()
    // basic-ftp's setter destroys the socket without an error, so the client does not take it for a failure.
    if (ftp.dataSocket === socket) ftp.dataSocket = undefined
    ftp.socket.setTimeout(ftp.timeout)
  }
  return {
    data: sink as AsyncIterable<Buffer>,
    finished,
    settle: async () => {
      if (!stopped) endData()
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), FINAL_REPLY_WAIT_MS)))
      const answered = finished.then(
        () => true,
        (error: unknown) => error instanceof FTPError,
      )
      try {
        return (await Promise.race([answered, late])) && !client.closed
      } finally {
        clearTimeout(timer)
      }
    },
  }
}
