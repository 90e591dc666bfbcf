// The postgres system's options, checked without a server: they are
// validated when the system is made, so a typo is a usage error before any
// cluster comes up.
#include <stdexcept>

#include <catch2/catch.hpp>

#include "systems/system.h"

using namespace fl;

TEST_CASE("the postgres system declares read-only txns READ ONLY unless told undeclared, and refuses anything else") {
  CHECK(make_system("postgres"));
  CHECK(make_system("postgres", {{"read-only", "declared"}}));
  CHECK(make_system("postgres", {{"read-only", "undeclared"}, {"isolation", "serializable"}}));
  CHECK_THROWS_AS(make_system("postgres", {{"read-only", "no"}}), std::invalid_argument);
  CHECK_THROWS_WITH(make_system("postgres", {{"read-only", "deferrable"}}),
                    Catch::Contains("read-only must be declared or undeclared, not deferrable"));
}

TEST_CASE("the postgres system refuses an isolation level it does not know") {
  CHECK_THROWS_WITH(make_system("postgres", {{"isolation", "snapshot"}}), Catch::Contains("isolation must be"));
}
