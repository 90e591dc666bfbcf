// The report's browser tests: chromium (tests/report/chromium.h) plus a
// decoder of its screenshots (zlib) that proves they are not blank, and
// where the screenshots are kept for people to look at.
// FL_REQUIRE_CHROMIUM() reports the test skipped to ctest (tests/skip.h) when
// chromium is not installed (scripts/setup installs it).
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/report/chromium.h"
#include "tests/skip.h"

#define FL_REQUIRE_CHROMIUM()                                                                  \
  do {                                                                                         \
    if (fl::test::chromium_path().empty())                                                     \
      FL_SKIP("chromium is not installed (scripts/setup installs Debian's chromium)");         \
  } while (0)

namespace fl::test {

// Where tests keep their screenshots for people to look at: build/report-screenshots/.
inline std::string artifact(const std::string& name) {
  std::filesystem::create_directories(FL_ARTIFACT_DIR);
  return std::string(FL_ARTIFACT_DIR) + "/" + name;
}

// Decodes an 8-bit RGB / RGBA PNG (what chromium writes) and measures it.
inline Screenshot measure_png(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Screenshot s;
  if (b.size() < 8 || b.compare(1, 3, "PNG") != 0) return s;
  auto u32 = [&](std::size_t at) {
    return (std::uint32_t(std::uint8_t(b[at])) << 24) | (std::uint32_t(std::uint8_t(b[at + 1])) << 16) |
           (std::uint32_t(std::uint8_t(b[at + 2])) << 8) | std::uint32_t(std::uint8_t(b[at + 3]));
  };
  int depth = 0, colour = 0;
  std::string idat;
  for (std::size_t at = 8; at + 8 <= b.size();) {
    const std::uint32_t len = u32(at);
    const std::string type = b.substr(at + 4, 4);
    if (type == "IHDR") {
      s.width = static_cast<int>(u32(at + 8));
      s.height = static_cast<int>(u32(at + 12));
      depth = std::uint8_t(b[at + 16]);
      colour = std::uint8_t(b[at + 17]);
    } else if (type == "IDAT") {
      idat += b.substr(at + 8, len);
    }
    at += 12 + len;
  }
  const int bpp = colour == 6 ? 4 : colour == 2 ? 3 : 0;
  if (depth != 8 || bpp == 0) return s;
  const std::size_t stride = static_cast<std::size_t>(s.width) * bpp;
  std::vector<std::uint8_t> raw((stride + 1) * static_cast<std::size_t>(s.height));
  uLongf raw_len = raw.size();
  if (uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) != Z_OK) return s;
  std::vector<std::uint8_t> prev(stride, 0), cur(stride);
  std::map<std::uint32_t, std::size_t> counts;
  for (int y = 0; y < s.height; ++y) {
    const std::uint8_t* row = raw.data() + static_cast<std::size_t>(y) * (stride + 1);
    const int filter = row[0];
    for (std::size_t x = 0; x < stride; ++x) {
      const int a = x >= static_cast<std::size_t>(bpp) ? cur[x - bpp] : 0, up = prev[x];
      const int c = x >= static_cast<std::size_t>(bpp) ? prev[x - bpp] : 0;
      int v = row[1 + x];
      switch (filter) {
        case 1: v += a; break;
        case 2: v += up; break;
        case 3: v += (a + up) / 2; break;
        case 4: {
          const int p = a + up - c, pa = std::abs(p - a), pb = std::abs(p - up), pc = std::abs(p - c);
          v += (pa <= pb && pa <= pc) ? a : pb <= pc ? up : c;
          break;
        }
        default: break;
      }
      cur[x] = static_cast<std::uint8_t>(v);
    }
    for (std::size_t x = 0; x < stride; x += bpp) {
      const std::uint32_t px = (std::uint32_t(cur[x]) << 16) | (std::uint32_t(cur[x + 1]) << 8) | cur[x + 2];
      if (counts.size() < 4096 || counts.count(px)) ++counts[px];
    }
    std::swap(prev, cur);
  }
  std::size_t most = 0, total = static_cast<std::size_t>(s.width) * s.height;
  for (const auto& [px, n] : counts) most = std::max(most, n);
  s.colours = counts.size();
  s.inked = total ? 1.0 - static_cast<double>(most) / total : 0;
  return s;
}

inline Page open_page(const std::string& html, const std::string& png, int width = 1400, int height = 2400,
                      int wait_ms = 0) {
  Page p = load_page(html, png, width, height, wait_ms);
  p.shot = measure_png(png);
  return p;
}

}  // namespace fl::test
