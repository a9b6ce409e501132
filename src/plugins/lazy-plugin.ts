// Registry entries that import a plugin's module (and its heavy library: ssh2, basic-ftp, cheerio, undici) only when first used.
import type {SourceContext, SourceFactory} from '../core/discovery/source-context.js'
import type {ByteRange, CallOptions, OpenedFile, Query, RemoteInfo, Source, Transport, TransportFactory, TransportOptions} from './types.js'

/** What the registry knows about a transport without loading it. */
export type TransportOutline = {
  readonly name: string
  readonly protocols: readonly string[]
  /** Whether the transport measures a protocol round trip; callers test `transport.ping` before loading. */
  readonly pings: boolean
  /** Whether it can stat and start reading in one request (`transport.open`). */
  readonly opens?: boolean
  /** `Transport.openEndedReads`, known before loading. */
  readonly openEndedReads?: boolean
}

/** A factory whose transports load `load()` once, on their first call, and forward to the real transport. */
export function lazyTransport(outline: TransportOutline, load: () => Promise<TransportFactory>): TransportFactory {
  let loading: Promise<TransportFactory> | undefined
  const factory = () => (loading ??= load())
  return {name: outline.name, protocols: outline.protocols, create: (options) => new LazyTransport(outline, factory, options)}
}

class LazyTransport implements Transport {
  readonly name: string
  readonly protocols: readonly string[]
  readonly ping?: (url: URL, options: CallOptions) => Promise<number>
  readonly open?: (url: URL, options: CallOptions) => Promise<OpenedFile>
  readonly openEndedReads?: boolean
  private real?: Promise<Transport>
  /** The loaded transport, so reads after the first stat go to it without an extra generator per chunk. */
  private loaded?: Transport
  private closed = false

  constructor(
    outline: TransportOutline,
    private readonly factory: () => Promise<TransportFactory>,
    private readonly options: TransportOptions,
  ) {
    this.name = outline.name
    this.protocols = outline.protocols
    if (outline.openEndedReads) this.openEndedReads = true
    if (outline.pings) this.ping = async (url, callOptions) => (await this.transport()).ping!(url, callOptions)
    if (outline.opens) this.open = async (url, callOptions) => (await this.transport()).open!(url, callOptions)
  }

  async stat(url: URL, options: CallOptions): Promise<RemoteInfo> {
    return (await this.transport()).stat(url, options)
  }

  read(url: URL, range: ByteRange | undefined, options: CallOptions & {etag?: string}): AsyncIterable<Uint8Array> {
    if (this.loaded && !this.closed) return this.loaded.read(url, range, options)
    return this.readAfterLoading(url, range, options)
  }

  private async *readAfterLoading(url: URL, range: ByteRange | undefined, options: CallOptions & {etag?: string}): AsyncGenerator<Uint8Array> {
    yield* (await this.transport()).read(url, range, options)
  }

  async close(): Promise<void> {
    this.closed = true
    // A transport never used was never loaded: closing it must not load it now.
    if (this.real) await (await this.real).close()
  }

  private transport(): Promise<Transport> {
    if (this.closed) return Promise.reject(new Error(`the ${this.name} transport is closed`))
    this.real ??= this.factory().then((factory) => (this.loaded = factory.create(this.options)))
    return this.real
  }
}

/** A source factory whose module loads on the first discovery, not at start-up. */
export function lazySource(name: string, load: () => Promise<SourceFactory>): SourceFactory {
  let loading: Promise<SourceFactory> | undefined
  return {
    name,
    create: (context: SourceContext): Source => {
      let real: Promise<Source> | undefined
      return {
        name,
        async *discover(query: Query, options: CallOptions) {
          real ??= (loading ??= load()).then((factory) => factory.create(context))
          yield* (await real).discover(query, options)
        },
      }
    },
  }
}
