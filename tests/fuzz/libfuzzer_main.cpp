// The libFuzzer binary of every target (FL_FUZZ=ON builds it as
// fuzz_faultline). FL_FUZZ_TARGET=<name> in the environment chooses the
// target; FL_FUZZ_TARGET=list prints each target's name and the corpus
// formats that seed it, one per line, and exits (scripts/fuzz asks this way).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_target.h"

namespace {

const fl::fuzz::Target* chosen = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* name = std::getenv("FL_FUZZ_TARGET");
  std::string names;
  for (const auto& t : fl::fuzz::targets()) names += std::string(names.empty() ? "" : ", ") + t.name;
  if (name && std::string(name) == "list") {
    for (const auto& t : fl::fuzz::targets()) std::printf("%s %s\n", t.name, t.seeds);
    std::exit(0);
  }
  chosen = name ? fl::fuzz::find(name) : nullptr;
  if (!chosen) {
    std::fprintf(stderr, "fuzz: set FL_FUZZ_TARGET to one of: %s (or list)\n", names.c_str());
    std::exit(64);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  chosen->run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
