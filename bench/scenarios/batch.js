// The batch scenarios: 200 small files (and the mixed set with two big ones) from four capped mirrors 20-250 ms away, mirrorkit fetch -i against aria2c -i.
import {mkdir, readdir, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {batchContent, inputList} from '../batch-content.js'
import {fileSha256} from '../content-file.js'
import {measure} from '../measure.js'
import {startMirrorSet} from '../mirror-set.js'
import {downloadDirectory, outDirectory, projectDirectory} from '../paths.js'
import {ROUND_TRIPS_MS} from './shaped.js'
import {CAPS, CAPS_SUM, extraArguments, interleaved, medianRows, shapedSize, timeLimitMs} from './shared.js'

export const batchScenarios = {
  'batch-small': {description: `200 files of 1 KiB-1 MiB from four nginx mirrors capped at 80/40/20/10 Mbit/s, ${ROUND_TRIPS_MS.join('/')} ms away: time against the sum of the caps`, big: false},
  'batch-mixed': {description: 'the same 200 files and two big ones (--size MiB each) from the same mirrors', big: true},
  'batch-medium': {description: '40 files of 1-16 MiB from the same mirrors: where segmenting starts to pay (try --mirrorkit-args "--whole-below 4M")', medium: true},
}

/** Both read the same input file (URLs and checksum= of every file); aria2c as the issue asks: -j 16 -x 4 -s 4 -k 1M. */
const batchClients = {
  mirrorkit: {label: 'mirrorkit fetch -i', command: path.join(projectDirectory, 'bin', 'run.cjs'), args: ({list, directory, extra}) => ['fetch', '-i', list, '-d', directory, '--progress', 'none', '--json', ...extra]},
  aria2Tuned: {
    label: 'aria2c -i -j16 -x4 -s4 -k1M',
    command: 'aria2c',
    args: ({list, directory}) => ['-i', list, '-d', directory, '-j', '16', '-x', '4', '-s', '4', '-k', '1M', '--file-allocation=none', '--allow-overwrite=true', '--auto-file-renaming=false', '--console-log-level=warn', '--summary-interval=0', '--download-result=hide'],
  },
}

export async function runBatch(context, name) {
  const scenario = batchScenarios[name]
  const {root, files} = await batchContent({bigMebibytes: scenario.big ? shapedSize(context.options) : 0, medium: scenario.medium})
  const bytes = files.reduce((sum, file) => sum + file.size, 0)
  const ideal = bytes / CAPS_SUM
  const names = (context.options.clients ?? Object.keys(batchClients)).filter((client) => batchClients[client] && context.available.has(client))
  const runs = await interleaved(context, names, async (clientName, round) => {
    context.log(`${name}: ${clientName} (${files.length} files, ${(bytes / 2 ** 20).toFixed(0)} MiB, ideal about ${ideal.toFixed(1)} s, round ${round} of ${context.options.repeat})`)
    return {...(await trial({context, clientName, root, files, timeoutMs: timeLimitMs(ideal, context.options.quick)})), bytes, idealSeconds: ideal}
  })
  for (const run of runs) {
    run.fraction = run.verified ? ideal / run.wallSeconds : 0
    run.transferFraction = run.verified && run.transferSeconds ? ideal / run.transferSeconds : undefined
  }
  return {bytes, files: files.length, description: scenario.description, rows: medianRows(runs, 'fraction'), runs}
}

async function trial({context, clientName, root, files, timeoutMs}) {
  const client = batchClients[clientName]
  const specs = CAPS.map((cap, index) => ({protocol: 'http', cap, roundTrip: ROUND_TRIPS_MS[index]}))
  // startMirrorSet serves the directory of `content.path`: here, every file of the batch.
  const set = await startMirrorSet({specs, content: {path: path.join(root, files[0].name)}, context})
  const directory = path.join(downloadDirectory, `batch-${clientName}`)
  const list = path.join(outDirectory, `batch-list-${process.pid}.txt`)
  try {
    await rm(directory, {recursive: true, force: true})
    await mkdir(directory, {recursive: true})
    const bases = set.urls.map((url) => url.slice(0, url.lastIndexOf('/') + 1))
    await writeFile(list, inputList(files, bases))
    const result = await measure({command: client.command, args: client.args({list, directory, extra: extraArguments(context, clientName)}), namespace: context.shaper?.namespace, timeoutMs})
    const correct = result.exitCode === 0 && !result.timedOut ? await countCorrect(directory, files) : 0
    const serverStats = await Promise.all(set.mirrors.map((mirror) => mirror.stats().catch(() => undefined)))
    const counters = set.mirrors.map((mirror) => mirror.counters())
    const bytesPerMirror = set.mirrors.map((_, index) => counters[index]?.bytes ?? serverStats[index]?.bytesSent)
    const sent = bytesPerMirror.reduce((sum, value) => sum + (value ?? 0), 0)
    return {
      client: clientName,
      label: client.label,
      ...result,
      verified: correct === files.length,
      filesCorrect: correct,
      bytesPerMirror,
      sentPerFileByte: sent / files.reduce((sum, file) => sum + file.size, 0),
      requestsPerMirror: serverStats.map((stats) => stats?.requests),
      connectionsPerMirror: serverStats.map((stats) => stats?.connections),
      droppedPerMirror: counters.map((each) => each?.dropped),
      transferSeconds: transferWindow(serverStats),
      stdout: undefined,
      stderr: result.exitCode === 0 ? undefined : result.stderr.slice(-2000) + result.stdout.slice(-2000),
      summary: clientName === 'mirrorkit' && result.exitCode === 0 ? hostSummary(result.stdout) : undefined,
    }
  } finally {
    await set.stop()
    await rm(list, {force: true})
    if (!context.options.keep) await rm(directory, {recursive: true, force: true})
  }
}

/** How many files are present and correct (only final names count: part files are not the file). */
async function countCorrect(directory, files) {
  const present = new Set(await readdir(directory))
  let correct = 0
  for (const file of files) if (present.has(file.name) && (await fileSha256(path.join(directory, file.name))) === file.sha256) correct++
  return correct
}

/** What mirrorkit learnt of each host, from its --json summary. */
function hostSummary(stdout) {
  try {
    return JSON.parse(stdout).hosts
  } catch {
    return undefined
  }
}

function transferWindow(serverStats) {
  const first = serverStats.map((stats) => stats?.firstRequestAt).filter((value) => typeof value === 'number')
  const last = serverStats.map((stats) => stats?.lastByteAt).filter((value) => typeof value === 'number')
  return first.length && last.length ? (Math.max(...last) - Math.min(...first)) / 1000 : undefined
}
