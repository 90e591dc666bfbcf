// A real browser for the report's tests: Debian's chromium, headless, run
// through run_process (the project's one way of running a program). One run
// loads a page from file://, dumps its DOM after the page's script has run,
// captures every console message (the report logs nothing, so any is a
// failure) and takes a screenshot, which is decoded (zlib) to prove it is
// not blank. No network: every host name resolves to nothing.
// FL_REQUIRE_CHROMIUM() reports the test skipped to ctest (tests/skip.h) when
// chromium is not installed (scripts/setup installs it).
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cluster/process.h"
#include "tests/skip.h"

#define FL_REQUIRE_CHROMIUM()                                                                  \
  do {                                                                                         \
    if (fl::test::chromium_path().empty())                                                     \
      FL_SKIP("chromium is not installed (scripts/setup installs Debian's chromium)");         \
  } while (0)

namespace fl::test {

inline std::string chromium_path() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string d; std::getline(dirs, d, ':');)
    for (const char* name : {"chromium", "chromium-browser"}) {
      std::filesystem::path p = std::filesystem::path(d) / name;
      std::error_code ec;
      if (std::filesystem::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0) return p.string();
    }
  return "";
}

// Where tests keep their screenshots for people to look at: build/report-screenshots/.
inline std::string artifact(const std::string& name) {
  std::filesystem::create_directories(FL_ARTIFACT_DIR);
  return std::string(FL_ARTIFACT_DIR) + "/" + name;
}

struct Screenshot {
  int width = 0, height = 0;
  double inked = 0;         // fraction of pixels not of the most common colour
  std::size_t colours = 0;  // distinct colours (up to 4096 counted)
};

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

struct Page {
  RunResult run;
  std::string dom;
  std::vector<std::string> console;        // every console message (there should be none)
  std::map<std::string, std::string> fl;   // data-fl-* attributes of <html>
  double seconds = 0;                      // the browser's whole run
  Screenshot shot;
  long num(const std::string& k) const {
    auto it = fl.find(k);
    return it == fl.end() ? -1 : std::atol(it->second.c_str());
  }
};

// Opens `html` (a file) in headless chromium at width x height, saves a
// screenshot to `png` and returns what the page showed.
inline Page open_page(const std::string& html, const std::string& png, int width = 1400, int height = 2400) {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/fl-chromium-XXXXXX";
  const std::string profile = mkdtemp(tmpl) ? tmpl : "/tmp/fl-chromium-profile";
  RunOptions o;
  o.timeout = std::chrono::seconds(90);
  const auto t0 = std::chrono::steady_clock::now();
  Page p;
  p.run = run_process({chromium_path(), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                       "--disable-background-networking", "--disable-component-update", "--disable-sync",
                       "--user-data-dir=" + profile, "--host-resolver-rules=MAP * ~NOTFOUND",
                       "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
                       "--window-size=" + std::to_string(width) + "," + std::to_string(height),
                       "--screenshot=" + png, "--dump-dom", "file://" + fs::absolute(html).string()},
                      o);
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::error_code ec;
  fs::remove_all(profile, ec);
  p.dom = p.run.out;
  std::stringstream err(p.run.err);
  for (std::string line; std::getline(err, line);)
    if (line.find(":CONSOLE") != std::string::npos) p.console.push_back(line);
  const std::size_t open = p.dom.find("<html"), close = p.dom.find('>', open);
  if (open != std::string::npos && close != std::string::npos) {
    const std::string tag = p.dom.substr(open, close - open);
    static const std::regex attr("data-fl-([a-z-]+)=\"([^\"]*)\"");
    for (std::sregex_iterator it(tag.begin(), tag.end(), attr), end; it != end; ++it) p.fl[(*it)[1]] = (*it)[2];
  }
  p.shot = measure_png(png);
  return p;
}

// Every console line, for a failure message.
inline std::string console_text(const Page& p) {
  std::string s;
  for (const auto& l : p.console) s += l.substr(0, 400) + "\n";
  return s.empty() ? "(none)" : s;
}

}  // namespace fl::test
