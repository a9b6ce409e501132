// Measures how long `mirrorkit fetch --help` takes (it loads the command and its modules), so the fixed start-up cost can be told apart from transfer speed.
import path from 'node:path'
import {measure} from './measure.js'
import {projectDirectory} from './paths.js'

/** Median of three runs, since one run on a shared machine is noise. */
export async function mirrorkitStartup() {
  const runs = []
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = await measure({command: path.join(projectDirectory, 'bin', 'run.cjs'), args: ['fetch', '--help'], timeoutMs: 30_000})
    if (result.exitCode === 0) runs.push(result)
  }
  if (runs.length === 0) return undefined
  runs.sort((a, b) => a.wallSeconds - b.wallSeconds)
  const median = runs[Math.floor(runs.length / 2)]
  return {wallSeconds: median.wallSeconds, cpuSeconds: median.cpuSeconds, peakRssMB: median.peakRssMB}
}
