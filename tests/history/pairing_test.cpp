// Pairing against a plain map on random histories: thousands of processes
// (so its table grows, and entries that collide are dropped and found
// again), retired after info or not, with the errors DESIGN.md names.
#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "history/error.h"
#include "history/pairing.h"

using namespace fl;

TEST_CASE("pairing matches every completion with its invocation, as a plain map does") {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rnd(seed);
    Pairing pairing("h.jsonl");
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> open;  // process -> (pair, position)
    std::int64_t pairs = 0;
    // Few processes in some seeds, many (and huge ids) in others.
    const std::uint64_t processes = seed % 2 ? 50 : 5000;
    for (std::int64_t pos = 0; pos < 20000; ++pos) {
      Op op;
      op.line = pos + 1;
      op.f = "w";
      op.process = static_cast<std::int64_t>(rnd() % processes) * (seed % 4 == 0 ? 1000003 : 1);
      auto it = open.find(op.process);
      // Mostly what a history does; a few mistakes, which must throw.
      bool mistake = rnd() % 500 == 0;
      op.type = (it == open.end()) != mistake ? OpType::Invoke : rnd() % 5 == 0 ? OpType::Info : OpType::Ok;
      if (rnd() % 50 == 0) op.process = kNemesis;
      if (op.is_nemesis()) {
        CHECK(pairing.add(op, pos).pair == -1);
        continue;
      }
      if (mistake) {
        CHECK_THROWS_AS(pairing.add(op, pos), BadInput);
        break;  // a reader stops at its first error
      }
      Pairing::Match m = pairing.add(op, pos);
      if (op.is_invoke()) {
        CHECK(m.pair == pairs);
        open[op.process] = {pairs++, pos};
      } else {
        CHECK(m.pair == it->second.first);
        CHECK(m.invoke == it->second.second);
        open.erase(it);
      }
    }
    CHECK(pairing.pairs() == pairs);
  }
}
