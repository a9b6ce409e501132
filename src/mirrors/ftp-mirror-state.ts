// The local FTP mirror's fault knobs, counters and the state its sessions share.
import type {Server, Socket} from 'node:net'
import type {MirrorFaults} from './ftp-mirror-faults.js'
import type {Throttle} from './throttle.js'

export type FtpFaults = MirrorFaults & {
  /** Answer every login with "421" (server busy) and hang up. */
  reply421?: boolean
  /** Paths answered with "550" as if the file were missing. */
  reply550?: string[]
  /** Behave like a server without restart support: no "REST STREAM" in FEAT, and REST answered "502". */
  noRest?: boolean
  /** Behave like a server without SIZE (RFC 3659): no "SIZE" in FEAT, and SIZE answered "502". */
  noSize?: boolean
  /** Behave like a server without MDTM: no "MDTM" in FEAT, and MDTM answered "502". */
  noMdtm?: boolean
  /** Announce MLST in FEAT and answer MLST and MLSD (RFC 3659 machine-readable listings); off by default. */
  mlst?: boolean
  /** Send no final reply (no "426") when the client closes a data connection before the file's end, as a few servers do. */
  silentAfterClose?: boolean
  /** Which digest commands FEAT announces: the HASH draft (default), the legacy XSHA256/XSHA1/XMD5, or none. */
  digests?: 'hash' | 'legacy' | 'none'
}

export type FtpMirrorStats = {
  connections: number
  dataConnections: number
  transfers: number
  aborts: number
  bytesSent: number
  /** Commands received, by upper-case verb ("SIZE": 2), ABOR included. */
  commands: Record<string, number>
  /** Sockets (control and data) open right now; 0 once every client has gone. */
  readonly openSockets: number
}

/** What every session of one server shares. */
export type FtpServerState = {
  files: Map<string, Buffer>
  faults: FtpFaults
  user?: string
  password?: string
  modifiedAt: Date
  throttle: Throttle
  stats: FtpMirrorStats
  track(socket: Socket): void
  trackServer(server: Server): void
}
