// Job payloads: a well-formed check passes through, anything else is refused with EJOBPAYLOAD and says what is wrong.
import {describe, expect, it} from 'vitest'
import {parseCheckJob, parseCollectJob} from '../../../src/core/queue/check-jobs.js'

describe('parseCheckJob', () => {
  it('keeps a well-formed check', () => {
    expect(parseCheckJob({kind: 'rank', runId: 'a-1', index: 3, url: 'http://m/f', size: 10, extra: 1}, 'rank')).toEqual({kind: 'rank', runId: 'a-1', index: 3, url: 'http://m/f', size: 10})
  })

  it.each([
    [null, 'expected an object'],
    [{kind: 'rank', runId: 'a', index: 0, url: 'http://m/f'}, '"kind" must be "verify"'],
    [{kind: 'verify', runId: 'a b', index: 0, url: 'http://m/f'}, '"runId"'],
    [{kind: 'verify', runId: 'a', index: -1, url: 'http://m/f'}, '"index"'],
    [{kind: 'verify', runId: 'a', index: 0, url: 'not a url'}, '"url"'],
    [{kind: 'verify', runId: 'a', index: 0, url: 'http://m/f', size: 1.5}, '"size"'],
  ])('refuses %j', (data, reason) => {
    expect(() => parseCheckJob(data, 'verify')).toThrow(reason)
    try {
      parseCheckJob(data, 'verify')
    } catch (error) {
      expect((error as {code: string}).code).toBe('EJOBPAYLOAD')
    }
  })

  it('refuses a collect job of an unknown stage', () => {
    expect(() => parseCollectJob({kind: 'collect', runId: 'a', stage: 'fetch'})).toThrow('not a collect job')
  })
})
