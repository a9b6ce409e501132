// One SFTP subsystem session of the local SFTP mirror: answers OPEN/READ/STAT/... from in-memory files and applies the fault knobs.
import {setMaxListeners} from 'node:events'
import {setTimeout as sleep} from 'node:timers/promises'
import ssh2, {type Attributes, type SFTPWrapper} from 'ssh2'
import {corruptBytes, servedPath, type MirrorFaults} from './ftp-mirror-faults.js'
import type {Throttle} from './throttle.js'

const {OPEN_MODE, STATUS_CODE} = ssh2.utils.sftp

export type SftpFaults = MirrorFaults & {
  /** Close the whole SSH connection once this many bytes have been read through one opened file. */
  disconnectAfter?: number
}

/** `peakPendingReads`: the most READ requests any one session held unanswered at once (a client that pipelines keeps several). */
export type SftpMirrorStats = {connections: number; reads: number; bytesSent: number; peakPendingReads: number; readonly openSockets: number}

export type SftpServerState = {
  files: Map<string, Buffer>
  faults: SftpFaults
  modifiedAt: Date
  throttle: Throttle
  stats: SftpMirrorStats
}

/** `served` counts the bytes read through one handle: faults apply per opened file, as FTP's apply per RETR. */
type Handle = {kind: 'file'; path: string; started: boolean; served: number} | {kind: 'dir'; listed: boolean}

/** Serves one SFTP channel; `disconnect` ends the whole SSH connection (for the disconnectAfter fault). */
export function serveSftp(sftp: SFTPWrapper, state: SftpServerState, disconnect: () => void): void {
  const handles = new Map<string, Handle>()
  let nextHandle = 0
  const closed = new AbortController()
  let pendingReads = 0
  // Clients pipeline dozens of READs, each waiting on the throttle with this signal: not a leak.
  setMaxListeners(256, closed.signal)
  sftp.on('close', () => closed.abort())
  sftp.on('error', () => {})

  const attributes = (content: Buffer | undefined): Attributes => {
    const seconds = Math.floor(state.modifiedAt.getTime() / 1000)
    const size = content ? (state.faults.size ?? content.length) : 0
    return {mode: content ? 0o100644 : 0o40755, uid: 0, gid: 0, size, atime: seconds, mtime: seconds}
  }
  const open = (handle: Handle): Buffer => {
    const id = Buffer.alloc(4)
    id.writeUInt32BE(nextHandle++)
    handles.set(id.toString('hex'), handle)
    return id
  }
  const statPath = (reqId: number, path: string) => {
    const name = servedPath(path)
    if (name === '/') return sftp.attrs(reqId, attributes(undefined))
    const content = state.files.get(name)
    if (!content) return sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE, 'No such file')
    sftp.attrs(reqId, attributes(content))
  }

  sftp.on('OPEN', (reqId, filename, flags) => {
    if (flags & (OPEN_MODE.WRITE | OPEN_MODE.CREAT | OPEN_MODE.TRUNC | OPEN_MODE.APPEND)) {
      return sftp.status(reqId, STATUS_CODE.PERMISSION_DENIED, 'Read-only mirror')
    }
    const path = servedPath(filename)
    if (!state.files.has(path)) return sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE, 'No such file')
    sftp.handle(reqId, open({kind: 'file', path, started: false, served: 0}))
  })
  const read = async (reqId: number, id: Buffer, offset: number, length: number) => {
    const handle = handles.get(id.toString('hex'))
    if (handle?.kind !== 'file') return sftp.status(reqId, STATUS_CODE.FAILURE, 'Bad handle')
    const content = state.files.get(handle.path) as Buffer
    if (offset >= content.length) return sftp.status(reqId, STATUS_CODE.EOF)
    const {faults} = state
    let take = Math.min(length, content.length - offset)
    if (faults.stallAfter !== undefined) take = Math.min(take, faults.stallAfter - handle.served)
    // A stalled server holds the request open and never answers.
    if (take <= 0) return
    const limit = faults.disconnectAfter ?? faults.resetAfter
    if (limit !== undefined && handle.served + take > limit) {
      disconnect()
      return
    }
    // Counted before waiting, so pipelined READs cannot all slip under a stall or disconnect threshold.
    handle.served += take
    try {
      if (!handle.started && faults.firstByteDelayMs) await sleep(faults.firstByteDelayMs, undefined, {signal: closed.signal})
      handle.started = true
      await state.throttle.take(take, closed.signal)
    } catch {
      return
    }
    state.stats.reads++
    state.stats.bytesSent += take
    sftp.data(reqId, corruptBytes(content.subarray(offset, offset + take), offset, faults.corrupt))
  }
  // ssh2 ignores what a listener returns: the read settles on its own, and every failure path answers in it.
  sftp.on('READ', (reqId, id, offset, length) => {
    pendingReads++
    state.stats.peakPendingReads = Math.max(state.stats.peakPendingReads, pendingReads)
    void read(reqId, id, offset, length).finally(() => pendingReads--)
  })
  sftp.on('FSTAT', (reqId, id) => {
    const handle = handles.get(id.toString('hex'))
    if (handle?.kind !== 'file') return sftp.status(reqId, STATUS_CODE.FAILURE, 'Bad handle')
    sftp.attrs(reqId, attributes(state.files.get(handle.path)))
  })
  sftp.on('STAT', statPath)
  sftp.on('LSTAT', statPath)
  sftp.on('CLOSE', (reqId, id) => {
    handles.delete(id.toString('hex'))
    sftp.status(reqId, STATUS_CODE.OK)
  })
  sftp.on('REALPATH', (reqId, path) => {
    const name = servedPath(path)
    sftp.name(reqId, [{filename: name, longname: name, attrs: attributes(state.files.get(name))}])
  })
  sftp.on('OPENDIR', (reqId, path) => {
    if (servedPath(path) !== '/') return sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE, 'No such directory')
    sftp.handle(reqId, open({kind: 'dir', listed: false}))
  })
  sftp.on('READDIR', (reqId, id) => {
    const handle = handles.get(id.toString('hex'))
    if (handle?.kind !== 'dir') return sftp.status(reqId, STATUS_CODE.FAILURE, 'Bad handle')
    if (handle.listed) return sftp.status(reqId, STATUS_CODE.EOF)
    handle.listed = true
    const entries = [...state.files].map(([path, content]) => ({
      filename: path.slice(1),
      longname: `-rw-r--r-- 1 mirror mirror ${content.length} Jan 01 2024 ${path.slice(1)}`,
      attrs: attributes(content),
    }))
    sftp.name(reqId, entries)
  })
}
