// Config files for `faultline test --config FILE`: every flag of the command
// can come from FILE, and a flag given on the command line wins. FILE is TOML
// (read with CLI11's own TOML reader: `time_limit = 30`, `nemesis =
// ["partition"]`, sections `[ssh]` → --ssh-…, `[opt]` → --opt K=V) or JSON —
// a run's own test.json, so `--config <run>/test.json` repeats that run. Keys
// may use _ or - (time_limit, time-limit). Unknown keys are usage errors
// naming the file.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace fl {

// Fills the options of `cmd` that were not given from `path`. `kv_options`
// are the long names of options that take K=V words (e.g. "opt"): a TOML
// section or a JSON object of that name becomes one word per key. `ignored`
// keys are recorded but not settings (test.json's "model", …).
void apply_config_file(CLI::App& cmd, const std::string& path, const std::vector<std::string>& kv_options,
                       const std::vector<std::string>& ignored);

}  // namespace fl
