// The two plugin interfaces, Transport (how to read bytes) and Source (how to find mirrors), and their shared types.
import type {CandidateFacts, Checksum, Target} from '../core/model.js'

export type CallOptions = {signal: AbortSignal}

/** A byte range by offset and length; no inclusive-end ambiguity. */
export type ByteRange = {offset: number; length: number}

/** What a server says about a file. */
export type RemoteInfo = {
  size?: number
  /** File name from Content-Disposition (sanitised) or the final URL's last path segment. */
  name?: string
  modifiedAt?: Date
  etag?: string
  acceptsRanges: boolean
  /** Digests the server advertised for the whole file (HTTP Digest/Repr-Digest, FTP HASH). */
  digests: Checksum[]
  /** Raw Link header values (RFC 8288), for discovery. */
  links: string[]
  /** The URL after redirects. */
  finalUrl: string
  /** The media type the server declared (HTTP Content-Type, lower case, without parameters). */
  contentType?: string
}

/**
 * A stat that has also started reading: `body` is the file from byte 0, when the server sent it as
 * asked, and `length` how many bytes it holds (the whole file when absent).
 */
export type OpenedFile = {info: RemoteInfo; body?: AsyncIterable<Uint8Array>; length?: number}

/** Settings shared by every transport; each reads what concerns it. */
export type TransportOptions = {
  /** Skip TLS certificate checks (https, ftps). */
  insecure?: boolean
  /** Certificate authorities (PEM text) trusted in place of the public roots, for mirrors with a private CA (https, ftps). */
  ca?: string
  /** SSH private key file for sftp. */
  identity?: string
  /** known_hosts file for sftp host-key checks; default ~/.ssh/known_hosts. */
  knownHosts?: string
  /** Accept sftp host keys that are unknown or changed. */
  acceptUnknownHostKeys?: boolean
  userAgent?: string
  /** netrc file for URLs without a password (or with a redacted one); default $NETRC or ~/.netrc; false: none. */
  netrc?: string | false
  /** Milliseconds to wait for a connection (and its handshake). */
  connectTimeout?: number
  /**
   * Most connections open to one origin at a time (HTTP). The download engine sets it to the links it
   * may run there plus one for the stat; without a limit a pool opens a new connection whenever the
   * old ones are still finishing a response, and keeps them.
   */
  connectionsPerOrigin?: number
}

export interface Transport {
  readonly name: string
  readonly protocols: readonly string[]
  /**
   * True when a range read asks the server for everything from the offset on (FTP's REST and RETR):
   * a short read then costs a new data connection and the bytes the server sent past its end.
   */
  readonly openEndedReads?: boolean
  stat(url: URL, options: CallOptions): Promise<RemoteInfo>
  /** Bytes of the file, or of `range` when given; ends exactly after `range.length` bytes. */
  read(url: URL, range: ByteRange | undefined, options: CallOptions & {etag?: string}): AsyncIterable<Uint8Array>
  /**
   * A stat that starts the download in the same request, saving the round trip of a separate stat
   * (HTTP: one GET of `bytes=0-` instead of a HEAD and then a GET). The body, if any, stays open until
   * it is read or `signal` aborts, so the signal must outlive the call.
   */
  open?(url: URL, options: CallOptions): Promise<OpenedFile>
  /** One protocol round trip (HTTP HEAD, FTP NOOP, SFTP stat), in milliseconds. */
  ping?(url: URL, options: CallOptions): Promise<number>
  close(): Promise<void>
}

export type TransportFactory = {
  readonly name: string
  readonly protocols: readonly string[]
  create(options: TransportOptions): Transport
}

/** What a discovery source is asked to find. */
export type Query = {
  /** The primary URL, when the user gave one. */
  url?: string
  name: string
  size?: number
  checksums: Checksum[]
}

/** One thing a source found: a mirror URL, facts about the target, or a warning. */
export type Found =
  | {kind: 'url'; url: string; via?: string} & CandidateFacts
  | {kind: 'target'; target: Partial<Target>}
  | {kind: 'warning'; message: string; code?: string}

export interface Source {
  readonly name: string
  discover(query: Query, options: CallOptions): AsyncIterable<Found>
}
