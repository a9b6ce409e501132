// Human-readable sizes, rates and durations for summaries and tables (binary prefixes, as users read file sizes).

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

/** 65536 -> "64 KiB", 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?'
  let value = bytes
  let unit = 0
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  const text = unit === 0 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(value < 10 ? 2 : 1)
  return `${text.replace(/\.0+$/, '')} ${UNITS[unit]}`
}

export function formatRate(bytesPerSecond: number | undefined): string {
  return bytesPerSecond === undefined ? '-' : `${formatBytes(bytesPerSecond)}/s`
}

export function formatMilliseconds(milliseconds: number | undefined): string {
  if (milliseconds === undefined || !Number.isFinite(milliseconds)) return '-'
  return milliseconds < 10 ? `${milliseconds.toFixed(2)} ms` : `${Math.round(milliseconds)} ms`
}

export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '-'
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`
  if (seconds < 120) return `${seconds.toFixed(1)} s`
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
}

/** A fraction as a percentage with enough digits to not read as zero: 0.00098 -> "0.098%". */
export function formatPercent(fraction: number): string {
  const percent = fraction * 100
  if (percent >= 10 || percent === 0) return `${Math.round(percent)}%`
  return `${Number(percent.toPrecision(2))}%`
}
