// The one catalogue of mirrorkit's error codes: each code's exit code, whether a retry may help, and what it means.

/** Exit codes, one table for every command (documented in the README). */
export const ExitCode = {
  ok: 0,
  /** Unexpected internal failure. */
  internal: 1,
  /** Bad input: flags, URLs, MirrorSet files, output paths. */
  usage: 2,
  /** No usable mirror: every candidate failed, was missing or was rejected. */
  noMirror: 3,
  /** Integrity failure: checksum or piece hash mismatch, a mirror that serves other bytes. */
  integrity: 4,
  /** Network failure that retries did not overcome. */
  network: 5,
  /** Local disk failure: no space, no permission, unwritable output. */
  disk: 6,
  /** Stopped by SIGINT or SIGTERM. */
  interrupted: 130,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/** What each exit code tells a script, as the README's table says it. */
export const EXIT_CODE_MEANINGS: Readonly<Record<ExitCodeValue, string>> = {
  0: 'success',
  1: 'internal error (a bug: please report it with `--verbose`)',
  2: 'bad input: flags, URLs, MirrorSet files, input lists, config, output paths; a partial download whose target changed',
  3: 'no usable mirror: the file is missing everywhere, or every candidate was rejected',
  4: 'integrity: checksum or piece-hash mismatch, `verify --strict` found a mismatch',
  5: 'network: refused, reset, timed out, TLS, authentication, throttled past retries',
  6: 'local disk: no space, no permission, unwritable output, a symbolic link planted as `<out>.part` (the partial state is kept)',
  130: 'interrupted by SIGINT or SIGTERM',
}

/**
 * `exitCode` undefined: the code only ever appears as a warning in a stage's output, never ends a run.
 * `retryable` 'depends': the error says per case (an HTTP 5xx may pass, a 4xx will not).
 */
export type ErrorCodeEntry = {
  readonly exitCode: ExitCodeValue | undefined
  readonly retryable: boolean | 'depends'
  readonly meaning: string
}

const {internal, usage, noMirror, integrity, network, disk, interrupted} = ExitCode

export const ERROR_CODES = {
  EINTERNAL: {exitCode: internal, retryable: false, meaning: 'an unexpected failure: a bug, please report it with --verbose'},
  EPROBE: {exitCode: internal, retryable: false, meaning: 'a speed probe ended in an unexpected state'},
  EUSAGE: {exitCode: usage, retryable: false, meaning: 'a flag or argument is wrong'},
  EURL: {exitCode: usage, retryable: false, meaning: 'a URL is malformed'},
  ESCHEME: {exitCode: usage, retryable: false, meaning: 'a URL scheme mirrorkit does not speak'},
  EMIRRORSET: {exitCode: usage, retryable: false, meaning: 'the MirrorSet input is not valid'},
  EINPUT: {exitCode: usage, retryable: false, meaning: 'a file or standard input that was named cannot be read, or a list of files (aria2c -i format) has a malformed line'},
  ECONFIG: {exitCode: usage, retryable: false, meaning: 'the config file or an engine definition is not valid'},
  EKEYRING: {exitCode: usage, retryable: false, meaning: 'the --keyring file cannot be read or holds no OpenPGP public key'},
  EEXISTS_CHANGED: {exitCode: usage, retryable: false, meaning: 'the target changed since the partial download began; pass --restart'},
  ETOOLARGE: {exitCode: usage, retryable: false, meaning: 'a document is larger than mirrorkit reads'},
  EMETALINK: {exitCode: usage, retryable: false, meaning: 'a metalink document is not valid'},
  ELISTFORMAT: {exitCode: usage, retryable: false, meaning: 'a mirror list is in none of the formats mirrorkit reads; the message names those it tried'},
  EXML: {exitCode: usage, retryable: false, meaning: 'an XML document (a metalink) is not well-formed: cut short, mismatched tags, an undefined entity'},
  EXMLENTITY: {exitCode: usage, retryable: false, meaning: 'an XML document declares a DTD or entities'},
  EXMLDEPTH: {exitCode: usage, retryable: false, meaning: 'an XML document is nested too deep'},
  EXMLCOUNT: {exitCode: usage, retryable: false, meaning: 'an XML document has too many elements or files'},
  ENOTFOUND: {exitCode: noMirror, retryable: false, meaning: 'the file is missing on a mirror (or on every mirror)'},
  ENOMIRROR: {exitCode: noMirror, retryable: false, meaning: 'no usable mirror: every candidate failed or was rejected'},
  EINTEGRITY: {exitCode: integrity, retryable: false, meaning: 'bytes that do not match a checksum, a piece hash or the primary'},
  ESIGNATURE: {exitCode: integrity, retryable: false, meaning: 'a checksum file\'s OpenPGP signature does not verify with --keyring; the file is refused'},
  ENOREFERENCE: {exitCode: integrity, retryable: false, meaning: 'with --require-reference, no reference hash was found; no file is left under the final name'},
  EUNSIGNED: {exitCode: integrity, retryable: false, meaning: 'with --keyring, no signed checksum file was found (unsigned ones are refused)'},
  ECONNREFUSED: {exitCode: network, retryable: true, meaning: 'the mirror refused the connection'},
  EUNREACHABLE: {exitCode: network, retryable: true, meaning: 'no route to the mirror: host or network unreachable or down'},
  ECONNRESET: {exitCode: network, retryable: true, meaning: 'the connection was reset or closed'},
  ETIMEDOUT: {exitCode: network, retryable: true, meaning: 'no answer or no data within the timeout'},
  EDNS: {exitCode: network, retryable: 'depends', meaning: 'the host name did not resolve (retryable when the resolver failed for now)'},
  ETLS: {exitCode: network, retryable: false, meaning: 'the TLS handshake failed or the certificate is not trusted'},
  EAUTH: {exitCode: network, retryable: false, meaning: 'the mirror refused our login or access'},
  EHOSTKEY: {exitCode: network, retryable: false, meaning: 'an SFTP host key is unknown or changed'},
  ETHROTTLED: {exitCode: network, retryable: true, meaning: 'the mirror is busy (HTTP 429/503, FTP 421); back off and retry'},
  EREDIRECT: {exitCode: network, retryable: false, meaning: 'too many redirects, or a redirect to a scheme other than http(s)'},
  EHTTP: {exitCode: network, retryable: 'depends', meaning: 'an HTTP status mirrorkit cannot use (5xx may pass on retry)'},
  EFTP: {exitCode: network, retryable: 'depends', meaning: 'an FTP reply mirrorkit cannot use (4xx may pass on retry)'},
  ESFTP: {exitCode: network, retryable: false, meaning: 'an SFTP status mirrorkit cannot use'},
  ESHORT: {exitCode: network, retryable: true, meaning: 'a stream ended before the bytes it promised'},
  ECHANGED: {exitCode: network, retryable: false, meaning: 'the file changed on the mirror since it was first seen'},
  ECONTENTRANGE: {exitCode: network, retryable: false, meaning: 'the mirror answered a range with the wrong Content-Range'},
  ERANGE_UNSUPPORTED: {exitCode: network, retryable: false, meaning: 'the mirror cannot serve a range (no Range or REST support)'},
  EENCODING: {exitCode: network, retryable: false, meaning: 'the mirror sent an encoded body although identity was asked'},
  EDISK: {exitCode: disk, retryable: false, meaning: 'a local file cannot be written'},
  ENOSPC: {exitCode: disk, retryable: false, meaning: 'no space left (or quota exceeded) on the local disk'},
  EACCES: {exitCode: disk, retryable: false, meaning: 'no permission to write a local file'},
  ESYMLINK: {exitCode: disk, retryable: false, meaning: 'a symbolic link was planted where mirrorkit writes; the partial state is kept'},
  EQUEUEURL: {exitCode: usage, retryable: false, meaning: 'the --queue URL is not a redis:// or rediss:// URL with a numeric database'},
  EVANTAGES: {exitCode: usage, retryable: false, meaning: 'a --vantage name is malformed, or no live worker measures from it'},
  EJOBPAYLOAD: {exitCode: usage, retryable: false, meaning: 'a queued job is not a check mirrorkit can run (or its run plan is gone); the job fails, the worker goes on'},
  ENOWORKER: {exitCode: noMirror, retryable: true, meaning: 'no mirrorkit worker is running on the queue to take the checks'},
  EQUEUE: {exitCode: network, retryable: true, meaning: 'Redis (the queue) could not be reached or lost the run'},
  EJOBFAILED: {exitCode: network, retryable: true, meaning: 'a queued check failed on every attempt; its mirror carries this code instead of a result'},
  EABORTED: {exitCode: interrupted, retryable: false, meaning: 'interrupted by SIGINT or SIGTERM'},
  ECONFLICT: {exitCode: undefined, retryable: false, meaning: 'two sources disagree about the target; the first one found is kept'},
  EUNSAFENAME: {exitCode: undefined, retryable: false, meaning: 'a metalink file name is not a safe relative path and was rejected'},
  EMETALINKVALUE: {exitCode: undefined, retryable: false, meaning: 'a metalink value (priority, size, hash, pieces, location, maxconnections) is invalid and was dropped; the rest is kept'},
  EMETALINKSKIP: {exitCode: undefined, retryable: false, meaning: 'a metalink entry mirrorkit cannot use was skipped: an unsupported hash or pieces type (zsync), an empty URL'},
  ERELATIVEURL: {exitCode: undefined, retryable: false, meaning: 'a relative URL in a metalink that has no URL of its own was skipped; give --metalink-base'},
  EMULTIFILE: {exitCode: undefined, retryable: false, meaning: 'a metalink describes several files; the first is used'},
  ENAME: {exitCode: undefined, retryable: false, meaning: 'a metalink names another file than the one asked for'},
  EHEADER: {exitCode: undefined, retryable: false, meaning: 'malformed Link header parts were ignored'},
  ELIST: {exitCode: undefined, retryable: false, meaning: 'a mirror list could not be read or holds no mirror URLs'},
  EVARIABLE: {exitCode: undefined, retryable: false, meaning: 'a mirror list uses a $variable that has no value (--var)'},
  ENEIGHBOUR: {exitCode: undefined, retryable: false, meaning: 'a neighbour file (.meta4, SHA256SUMS) could not be read'},
  ELISTING: {exitCode: undefined, retryable: false, meaning: 'a directory listing found by search could not be read'},
  ESKIPPED: {exitCode: undefined, retryable: false, meaning: 'a search engine has no base URL configured and was skipped'},
  EENGINE: {exitCode: undefined, retryable: false, meaning: 'a search engine failed; the others still ran'},
  EENGINEMARKUP: {exitCode: undefined, retryable: false, meaning: "a search engine's pages yielded no result links; its definition may need fixing"},
} as const satisfies Record<string, ErrorCodeEntry>

export type ErrorCode = keyof typeof ERROR_CODES

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value)
}

/**
 * Codes Node, the OS, OpenSSL and the FTP protocol raise that mirrorkit reads and maps to its own
 * (never raises): listed so the catalogue test can tell them from a code someone forgot to catalogue.
 */
export const FOREIGN_CODES: readonly string[] = [
  'ENOENT', 'ENOTDIR', 'EISDIR', 'EPERM', 'EROFS', 'EDQUOT', 'ELOOP', 'EIO', 'EPIPE', 'ECONNABORTED', 'EADDRNOTAVAIL',
  'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL',
  'ERR_TLS_', 'ERR_SSL_', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_STREAM_PREMATURE_CLOSE', 'EPSV',
]
