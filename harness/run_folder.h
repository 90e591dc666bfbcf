// A stored run's folder (store/<test>/<time>): its JSON files (results.json,
// test.json) read back. Absent is not an error (a run stopped by a second
// Ctrl-C has no results.json); present but not one JSON object is bad input
// (exit 65) naming the file.
#pragma once

#include <filesystem>
#include <optional>

#include "history/op.h"

namespace fl {

std::optional<Json> read_run_json(const std::filesystem::path& path);

}  // namespace fl
