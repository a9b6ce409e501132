// Where the benchmark keeps its cached inputs, downloads and results, whatever directory it is run from.
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const benchDirectory = path.dirname(fileURLToPath(import.meta.url))
export const projectDirectory = path.dirname(benchDirectory)
/** Git-ignored: cached content files, per-run downloads and results-<date>.json. */
export const outDirectory = path.join(benchDirectory, 'out')
/** Per benchmark process, so two runs at once never share an output file (or its resume state). */
export const downloadDirectory = path.join(outDirectory, 'downloads', String(process.pid))
/** mirrorkit's --progress json events of every mirrorkit row, one file per row. */
export const eventsDirectory = path.join(outDirectory, 'events')
