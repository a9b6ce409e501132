// The status page from `rank --format html` in a real headless Chromium (Debian's, driven by playwright-core): no console error, no network, sortable, one chart mark per mirror.
import {existsSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {MirrorSet} from '../../../src/core/model.js'
import {startMirrorFarm, type MirrorFarm} from '../../helpers/queue-fixture.js'
import {runCli} from '../../helpers/run-cli.js'

const CHROMIUM = process.env.MIRRORKIT_CHROMIUM ?? '/usr/bin/chromium'
const available = existsSync(CHROMIUM)
if (!available && process.env.CI === 'true') throw new Error(`status page: cannot run, no chromium at ${CHROMIUM} (apt-get install chromium)`)
if (!available) console.warn(`status page: skipped, no chromium at ${CHROMIUM} (apt-get install chromium)`)

/** Where the screenshot is kept after the run, for the issue note and for a human to look at. */
export const SCREENSHOT = process.env.MIRRORKIT_ARTIFACTS ? join(process.env.MIRRORKIT_ARTIFACTS, 'status-page.png') : join(tmpdir(), 'mirrorkit-status-page.png')

let farm: MirrorFarm
let directory: string

beforeAll(async () => {
  if (!available) return
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-status-page-'))
  farm = await startMirrorFarm(3, 4, 128 * 1024, [0, 40, 80])
}, 30_000)

afterAll(async () => {
  if (!available) return
  await farm?.close()
  await rm(directory, {recursive: true, force: true})
})

describe.skipIf(!available)('status page in headless Chromium', () => {
  it('loads without console errors or requests, sorts its table and draws one mark per mirror', async () => {
    const input = join(directory, 'set.json')
    await writeFile(input, JSON.stringify(farm.set))
    const verify = await runCli(['verify', '--input', input, '--seed', '1', '--sample-size', '4096'], {timeoutMs: 60_000})
    expect(verify.code, verify.stderr).toBe(0)
    const verified = join(directory, 'verified.json')
    await writeFile(verified, verify.stdout)
    const ranked = await runCli(['rank', '--input', verified, '--no-history', '--rtt-samples', '2', '--max-time', '100', '--format', 'html'], {timeoutMs: 60_000})
    expect(ranked.code, ranked.stderr).toBe(0)
    expect(ranked.stdout).toMatch(/^<!doctype html>/)
    const page = join(directory, 'status.html')
    await writeFile(page, ranked.stdout)
    const set = JSON.parse(verify.stdout) as MirrorSet

    const {chromium} = await import('playwright-core')
    const browser = await chromium.launch({executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 30_000})
    try {
      const tab = await browser.newPage({viewport: {width: 1100, height: 900}})
      const problems: string[] = []
      const requests: string[] = []
      tab.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
      tab.on('pageerror', (error) => problems.push(error.message))
      tab.on('request', (request) => requests.push(request.url()))
      await tab.goto(`file://${page}`, {waitUntil: 'load', timeout: 15_000})
      expect(problems).toEqual([])
      // Self-contained: the page itself is the only thing it loads.
      expect(requests).toEqual([`file://${page}`])
      expect(await tab.locator('#mirror-chart .mark').count()).toBe(set.candidates.length)
      expect(await tab.locator('#mirrors tbody tr').count()).toBe(set.candidates.length)
      expect(await tab.locator('#mirror-chart .rtt').count()).toBeGreaterThan(0)

      const column = async (index: number) => tab.locator(`#mirrors tbody tr td:nth-child(${index})`).evaluateAll((cells) => cells.map((cell) => (cell as HTMLElement).dataset.value ?? ''))
      await tab.locator('#mirrors th', {hasText: 'mirror'}).click()
      const urls = await column(2)
      expect(urls).toEqual([...urls].sort((a, b) => a.localeCompare(b)))
      await tab.locator('#mirrors th', {hasText: 'throughput'}).click()
      const rates = (await column(4)).filter(Boolean).map(Number)
      expect(rates.length).toBeGreaterThan(3)
      expect(rates).toEqual([...rates].sort((a, b) => a - b))
      await tab.locator('#mirrors th', {hasText: 'throughput'}).click()
      const descending = (await column(4)).filter(Boolean).map(Number)
      expect(descending).toEqual([...rates].sort((a, b) => b - a))
      await expect(tab.locator('#mirrors').getByText('mismatch').count()).resolves.toBeGreaterThan(0)
      await tab.screenshot({path: SCREENSHOT, fullPage: true})
      expect(existsSync(SCREENSHOT)).toBe(true)
    } finally {
      await browser.close()
    }
  }, 120_000)
})
