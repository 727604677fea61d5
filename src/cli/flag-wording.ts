import { INPUTS } from '../config/inputs.js'

// `mode` is the command on the command line, so it has no flag.
const FLAG_NAMES = new Set<string>(
  INPUTS.map(input => input.name).filter(name => name !== 'mode')
)

/**
 * Rewrites a message of the configuration checks, which name action
 * inputs, into command-line terms: ``input `max-attempts` `` and a bare
 * `` `max-attempts` `` become `--max-attempts`, and the step's `with:`
 * block becomes the command line. Other backticked words stay as they are.
 */
export function toFlagWording(text: string): string {
  return text
    .replace(/input `([a-z][a-z-]*)`/g, (match, name: string) =>
      FLAG_NAMES.has(name) ? `--${name}` : match
    )
    .replace(/`([a-z][a-z-]*)`/g, (match, name: string) =>
      FLAG_NAMES.has(name) ? `--${name}` : match
    )
    .replace(/in the step's `with:` block/g, 'on the command line')
}
