// fuzz_to_jsonl FILE: prints a history of any format as faultline's JSONL, so
// scripts/fuzz can seed the JSONL target from the EDN and log corpus. Exit 65
// with the reader's sentence on bad input.
#include <cstdio>
#include <iostream>

#include "history/error.h"
#include "history/format.h"
#include "history/jsonl.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_to_jsonl HISTORY\n");
    return 64;
  }
  try {
    fl::write_jsonl(std::cout, fl::read_history(argv[1]));
  } catch (const fl::BadInput& e) {
    std::fprintf(stderr, "fuzz_to_jsonl: %s\n", e.what());
    return 65;
  }
  return 0;
}
