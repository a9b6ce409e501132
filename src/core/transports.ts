// Picks the transport for a URL's scheme from the registry, creating each one once per run and closing them all at the end.
import {builtinTransports} from '../plugins/index.js'
import type {Transport, TransportFactory, TransportOptions} from '../plugins/types.js'
import {UsageError} from './errors.js'

export class TransportSet {
  private readonly created = new Map<TransportFactory, Transport>()

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
      transport = factory.create(this.options)
      this.created.set(factory, transport)
    }
    return transport
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
