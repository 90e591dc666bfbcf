// Debian's chromium, headless, for the report's tests and benchmark, run
// through run_process (the project's one way of running a program). One run
// loads a page from file://, dumps its DOM after the page's script has run,
// captures every console message (the report logs nothing, so any is a
// failure) and takes a screenshot. No network: every host name resolves to
// nothing but 127.0.0.1 (where a test serves pages). A fresh profile per run, removed afterwards.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cluster/process.h"

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

// What a screenshot shows (measured by tests/report/browser.h).
struct Screenshot {
  int width = 0, height = 0;
  double inked = 0;         // fraction of pixels not of the most common colour
  std::size_t colours = 0;  // distinct colours (up to 4096 counted)
};

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

// Opens `html` (a file, or an http:// address) in headless chromium at
// width x height, saves a screenshot to `png` and returns what the page
// showed. `wait_ms` > 0: the page's timers and requests get that much
// (virtual) time before the DOM is dumped.
inline Page load_page(const std::string& html, const std::string& png, int width = 1400, int height = 2400,
                      int wait_ms = 0) {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/fl-chromium-XXXXXX";
  const std::string profile = mkdtemp(tmpl) ? tmpl : "/tmp/fl-chromium-profile";
  RunOptions o;
  o.timeout = std::chrono::seconds(90);
  const auto t0 = std::chrono::steady_clock::now();
  Page p;
  Argv argv{chromium_path(), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--user-data-dir=" + profile, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
             "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
             "--window-size=" + std::to_string(width) + "," + std::to_string(height),
             "--dump-dom"};
  if (!png.empty()) argv.push_back("--screenshot=" + png);  // "": none (chromium hangs taking one in virtual time)
  if (wait_ms > 0) argv.push_back("--virtual-time-budget=" + std::to_string(wait_ms));
  argv.push_back(html.rfind("http://", 0) == 0 ? html : "file://" + fs::absolute(html).string());
  p.run = run_process(argv, o);
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
    // data-fl-NAME="VALUE" (no <regex>: gcc 12 warns falsely in it under the sanitizers)
    for (std::size_t at = 0; (at = tag.find("data-fl-", at)) != std::string::npos;) {
      const std::size_t eq = tag.find("=\"", at), close_quote = eq == std::string::npos ? eq : tag.find('"', eq + 2);
      if (close_quote == std::string::npos) break;
      p.fl[tag.substr(at + 8, eq - at - 8)] = tag.substr(eq + 2, close_quote - eq - 2);
      at = close_quote + 1;
    }
  }
  return p;
}

// Every console line, for a failure message.
inline std::string console_text(const Page& p) {
  std::string s;
  for (const auto& l : p.console) s += l.substr(0, 400) + "\n";
  return s.empty() ? "(none)" : s;
}

}  // namespace fl::test
