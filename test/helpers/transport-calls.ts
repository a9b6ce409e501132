// Small helpers for tests that call transports directly: gather a read, capture a rejection, wait for a server's sockets to close.
import {expect} from 'vitest'
import {MirrorError} from '../../src/core/errors.js'

/** Every chunk of a read, joined. */
export async function collect(iterable: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  for await (const chunk of iterable) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/** The MirrorError a call rejects with; the test fails if it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<MirrorError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason)
  expect(error).toBeInstanceOf(MirrorError)
  return error as MirrorError
}

/** The server's open socket count once it reaches zero, or after 2 s. */
export async function socketsSettle(server: {stats: {openSockets: number}}): Promise<number> {
  for (let attempt = 0; attempt < 100 && server.stats.openSockets > 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 20))
  return server.stats.openSockets
}
