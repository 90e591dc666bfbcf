#include <catch2/catch.hpp>

#include "systems/etcd/base64.h"

using namespace fl;

TEST_CASE("base64 matches RFC 4648's test vectors both ways", "[no-cluster]") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, coded] : vectors) {
    CHECK(base64_encode(plain) == coded);
    CHECK(base64_decode(coded) == std::optional<std::string>(plain));
  }
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  CHECK(base64_decode(base64_encode(bytes)) == bytes);
}

TEST_CASE("malformed base64 is refused", "[no-cluster]") {
  CHECK_FALSE(base64_decode("Zm9").has_value());
  CHECK_FALSE(base64_decode("Zm9$").has_value());
  CHECK_FALSE(base64_decode("Zg==Zg==").has_value());
}
