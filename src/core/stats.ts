// Summary statistics for repeated measurements: median, p90, standard deviation, margin of error, coefficient of variation.

/** The q-quantile (0..1) of `values` by linear interpolation between closest ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q))
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower)
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5)
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  return values.reduce((sum, value) => sum + value, 0) / values.length
}

/** Sample standard deviation (n - 1); 0 for fewer than two values. */
export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0
  const average = mean(values)
  const squares = values.reduce((sum, value) => sum + (value - average) ** 2, 0)
  return Math.sqrt(squares / (values.length - 1))
}

/** Standard deviation relative to the mean; Infinity when the mean is zero. */
export function coefficientOfVariation(values: readonly number[]): number {
  const average = mean(values)
  if (!(average > 0)) return Number.POSITIVE_INFINITY
  return standardDeviation(values) / average
}

// Two-sided 95% Student's t critical values for 1..30 degrees of freedom; the normal value beyond.
const T_CRITICAL = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
]

/** Half-width of the 95% confidence interval of the mean; 0 for fewer than two values. */
export function marginOfError(values: readonly number[]): number {
  if (values.length < 2) return 0
  const degrees = values.length - 1
  const critical = T_CRITICAL[degrees - 1] ?? 1.96
  return (critical * standardDeviation(values)) / Math.sqrt(values.length)
}
