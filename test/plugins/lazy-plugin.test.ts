import {describe, expect, it} from 'vitest'
import {lazySource, lazyTransport} from '../../src/plugins/lazy-plugin.js'
import type {Found, Transport, TransportFactory} from '../../src/plugins/types.js'
import type {SourceFactory} from '../../src/core/discovery/source-context.js'
import {builtinTransports} from '../../src/plugins/index.js'
import {fileTransport} from '../../src/plugins/transports/file.js'
import {ftpTransport} from '../../src/plugins/transports/ftp.js'
import {httpTransport} from '../../src/plugins/transports/http.js'
import {sftpTransport} from '../../src/plugins/transports/sftp.js'

function countingFactory(): {factory: () => Promise<TransportFactory>; loads: () => number; closes: () => number} {
  let loads = 0
  let closes = 0
  const real: Transport = {
    name: 'fake',
    protocols: ['fake:'],
    stat: async () => ({size: 3, acceptsRanges: true, digests: [], links: [], finalUrl: 'fake://x/f'}),
    async *read() {
      yield new Uint8Array([1, 2, 3])
    },
    close: async () => void closes++,
  }
  const factory = async () => {
    loads++
    return {name: 'fake', protocols: ['fake:'], create: () => real}
  }
  return {factory, loads: () => loads, closes: () => closes}
}

describe('lazyTransport', () => {
  it('loads the module once, on the first call, and forwards stat and read', async () => {
    const counting = countingFactory()
    const factory = lazyTransport({name: 'fake', protocols: ['fake:'], pings: false}, counting.factory)
    const transport = factory.create({})
    expect(counting.loads()).toBe(0)
    expect(transport.ping).toBeUndefined()
    const signal = AbortSignal.timeout(5000)
    expect((await transport.stat(new URL('fake://x/f'), {signal})).size).toBe(3)
    const chunks: Uint8Array[] = []
    for await (const chunk of transport.read(new URL('fake://x/f'), undefined, {signal})) chunks.push(chunk)
    expect(chunks).toEqual([new Uint8Array([1, 2, 3])])
    expect(counting.loads()).toBe(1)
    await transport.close()
    expect(counting.closes()).toBe(1)
  })

  it('closing an unused transport does not load it', async () => {
    const counting = countingFactory()
    const transport = lazyTransport({name: 'fake', protocols: ['fake:'], pings: true}, counting.factory).create({})
    expect(typeof transport.ping).toBe('function')
    await transport.close()
    expect(counting.loads()).toBe(0)
  })
})

describe('the built-in registry', () => {
  it('offers ping and open on each lazy transport exactly when the real one has them', async () => {
    const real = new Map([httpTransport, ftpTransport, sftpTransport, fileTransport].map((factory) => [factory.name, factory.create({})]))
    try {
      for (const factory of builtinTransports) {
        const lazy = factory.create({})
        const loaded = real.get(factory.name)!
        expect({name: factory.name, ping: typeof lazy.ping, open: typeof lazy.open}).toEqual({name: factory.name, ping: typeof loaded.ping, open: typeof loaded.open})
        await lazy.close()
      }
      // Without open, the engine would stat the primary with a HEAD and lose the round trip open saves.
      expect(typeof real.get('http')!.open).toBe('function')
    } finally {
      await Promise.all([...real.values()].map((transport) => transport.close()))
    }
  })
})

describe('lazySource', () => {
  it('keeps the name and loads on the first discovery', async () => {
    let loads = 0
    const real: SourceFactory = {
      name: 'fake',
      create: () => ({
        name: 'fake',
        async *discover(): AsyncGenerator<Found> {
          yield {kind: 'url', url: 'http://a.example/f'}
        },
      }),
    }
    const source = lazySource('fake', async () => (loads++, real)).create({settings: {}} as never)
    expect(source.name).toBe('fake')
    expect(loads).toBe(0)
    const found: Found[] = []
    for await (const item of source.discover({name: 'f', checksums: []}, {signal: AbortSignal.timeout(5000)})) found.push(item)
    expect(found).toEqual([{kind: 'url', url: 'http://a.example/f'}])
    expect(loads).toBe(1)
  })
})
