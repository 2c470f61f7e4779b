// One option's help line as --help and docs/options.md show it, from the option table only.
import { defaultText, type OptionSpec } from './run-option-table.js';

/** "help (default: X)"; switches and unset options show no default. */
export function optionHelp(spec: OptionSpec): string {
  const d = defaultText(spec);
  return d !== '' && !spec.boolean && !spec.repeatable ? `${spec.help} (default: ${d})` : spec.help;
}
