// Timing-bound (npm run test:timing): the local HTTP mirror's bandwidth cap and its throttle hold their rates against the clock.
import {describe, expect, it} from 'vitest'
import {makeContent} from '../helpers/content.js'
import {startHttpMirror, Throttle} from '../helpers/http-mirror.js'

describe('local http mirror (timing)', () => {
  it('caps aggregate bandwidth across connections (1 MB/s, 1 MB in 0.8-1.6 s)', async () => {
    const slow = await startHttpMirror({files: {'/f.bin': makeContent(250_000, 1)}, faults: {bandwidth: 1_000_000}})
    try {
      const started = performance.now()
      const finished: number[] = []
      const replies = await Promise.all(
        [1, 2, 3, 4].map(async () => {
          const reply = {body: Buffer.from(await (await fetch(slow.url + 'f.bin', {signal: AbortSignal.timeout(10_000)})).arrayBuffer())}
          finished.push(performance.now() - started)
          return reply
        }),
      )
      const seconds = (performance.now() - started) / 1000
      expect(replies.every((reply) => reply.body.length === 250_000)).toBe(true)
      expect(seconds).toBeGreaterThan(0.8)
      expect(seconds).toBeLessThan(1.6)
      // Fair sharing: every connection got about a quarter, so none finished far ahead of the rest.
      expect(Math.min(...finished)).toBeGreaterThan(0.75 * Math.max(...finished))
    } finally {
      await slow.close()
    }
  })
})

describe('throttle (timing)', () => {
  it('grants immediately when unlimited and shares a rate between concurrent takers', async () => {
    await new Throttle(0).take(1e9)
    const throttle = new Throttle(400_000)
    const started = performance.now()
    const finished: number[] = []
    await Promise.all(
      [0, 1].map(async (index) => {
        for (let sent = 0; sent < 100_000; sent += 10_000) await throttle.take(10_000)
        finished[index] = performance.now() - started
      }),
    )
    // 200 KB at 400 KB/s is 0.5 s; both takers finish near the end because grants alternate.
    expect(Math.min(...finished)).toBeGreaterThan(350)
    expect(Math.max(...finished)).toBeLessThan(900)
  })
})
