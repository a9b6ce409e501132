// Picks the transport for a URL's scheme from the registry, creating each one once per run and closing them all at the end.
import {builtinTransports} from '../plugins/index.js'
import type {Transport, TransportFactory, TransportOptions} from '../plugins/types.js'
import {UsageError} from './errors.js'
import {findNetrcEntry, readUserNetrc, type NetrcEntry} from './netrc.js'

/** The placeholder redactUrl puts where a password was. */
const REDACTED = '***'

export class TransportSet {
  private readonly created = new Map<TransportFactory, Transport>()
  private netrc: NetrcEntry[] | undefined

  constructor(
    private readonly options: TransportOptions = {},
    private readonly factories: readonly TransportFactory[] = builtinTransports,
  ) {}

  /** The protocols (with colons) some transport handles. */
  get protocols(): string[] {
    return this.factories.flatMap((factory) => factory.protocols)
  }

  supports(url: URL): boolean {
    return this.factories.some((factory) => factory.protocols.includes(url.protocol))
  }

  /** The transport for `url`, or a usage error naming the unsupported scheme. */
  for(url: URL): Transport {
    const factory = this.factories.find((candidate) => candidate.protocols.includes(url.protocol))
    if (!factory) {
      throw new UsageError(
        `unsupported URL scheme "${url.protocol.replace(/:$/, '')}" (supported: ${this.protocols.map((p) => p.replace(/:$/, '')).join(', ')})`,
        'ESCHEME',
      )
    }
    let transport = this.created.get(factory)
    if (!transport) {
      transport = this.withCredentials(factory.create(this.options))
      this.created.set(factory, transport)
    }
    return transport
  }

  /**
   * URLs that reach a stage through a pipe had their password redacted; a URL with no password or a redacted
   * one takes its credentials from the user's netrc, as curl --netrc does.
   */
  authenticate(url: URL): URL {
    if (url.password && url.password !== REDACTED) return url
    this.netrc ??= this.options.netrc === false ? [] : readUserNetrc(this.options.netrc)
    const entry = findNetrcEntry(this.netrc, url.hostname, url.username || undefined)
    if (!entry) return url
    const authenticated = new URL(url.href)
    if (entry.login !== undefined) authenticated.username = encodeURIComponent(entry.login)
    authenticated.password = encodeURIComponent(entry.password!)
    return authenticated
  }

  private withCredentials(transport: Transport): Transport {
    const set = this
    return {
      name: transport.name,
      protocols: transport.protocols,
      // The engine reads it to keep FTP's reads, which run to the end of the file, short of needless closes.
      ...(transport.openEndedReads ? {openEndedReads: true} : {}),
      stat: async (url, options) => {
        const info = await transport.stat(set.authenticate(url), options)
        return {...info, finalUrl: withoutAddedPassword(info.finalUrl, url)}
      },
      read: (url, range, options) => transport.read(set.authenticate(url), range, options),
      ...(transport.open
        ? {
            open: async (url: URL, options: {signal: AbortSignal}) => {
              const opened = await transport.open!(set.authenticate(url), options)
              return {...opened, info: {...opened.info, finalUrl: withoutAddedPassword(opened.info.finalUrl, url)}}
            },
          }
        : {}),
      ...(transport.ping ? {ping: (url: URL, options: {signal: AbortSignal}) => transport.ping!(set.authenticate(url), options)} : {}),
      close: () => transport.close(),
    }
  }

  async close(): Promise<void> {
    const transports = [...this.created.values()]
    this.created.clear()
    await Promise.allSettled(transports.map((transport) => transport.close()))
  }
}

/** Parses a user-given URL, turning a malformed one into a usage error. */
export function parseUrl(text: string): URL {
  try {
    return new URL(text)
  } catch (error) {
    throw new UsageError(`malformed URL: ${JSON.stringify(text)}`, 'EURL', error)
  }
}

/** The final URL of a stat, without a password that came from netrc rather than from the caller. */
function withoutAddedPassword(finalUrl: string, asked: URL): string {
  try {
    const final = new URL(finalUrl)
    if (!final.password || final.password === asked.password) return finalUrl
    final.password = asked.password
    return final.href
  } catch {
    return finalUrl
  }
}
