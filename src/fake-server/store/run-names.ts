/**
 * Generated run names in MLflow's `adjective-animal-number` form, for runs
 * created without `run_name`.
 */
const ADJECTIVES = [
  'agreeable',
  'bold',
  'calm',
  'clever',
  'eager',
  'gentle',
  'honest',
  'merciful',
  'righteous',
  'unleashed'
]

const ANIMALS = [
  'calf',
  'crane',
  'fox',
  'hare',
  'lynx',
  'mule',
  'owl',
  'seal',
  'vole',
  'wren'
]

/** Picks a run name from a random source in [0, 1). */
export function generateRunName(random: () => number): string {
  const pick = (words: readonly string[]) =>
    words[Math.floor(random() * words.length)] ?? words[0] ?? 'run'
  return `${pick(ADJECTIVES)}-${pick(ANIMALS)}-${Math.floor(random() * 1000)}`
}
