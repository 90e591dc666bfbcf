// An XSS probe: a history whose values, errors, nodes, nemesis events and
// settings hold markup and script — and results whose every field that a
// report shows (explanation, facts, a cycle's steps, a key) does too. A
// report must show all of it as text and run none of it; each payload, if it
// ever ran, would set data-pwned on <html>.
#pragma once

#include <string>
#include <vector>

#include "history/history.h"

namespace fl::test {

inline const std::vector<std::string>& xss_payloads() {
  static const std::vector<std::string> p = {
      "<script>document.documentElement.setAttribute('data-pwned','script')</script>",
      "\"><img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">",
      "</textarea><svg onload=\"document.documentElement.setAttribute('data-pwned','svg')\"></svg>",
      "</script><script>document.documentElement.setAttribute('data-pwned','breakout')</script>",
      "<!-- '; document.documentElement.setAttribute('data-pwned','js'); ' \xE2\x80\xA8 -->",
      "<style>body{display:none}</style><a href=\"javascript:document.documentElement.setAttribute('data-pwned','href')\">x</a>",
  };
  return p;
}

// Register ops with the payloads as values, errors and nodes; a read of a
// payload no one wrote any more (stale), so the linearizability checker
// quotes payloads in its explanation; nemesis events named by payloads.
inline History xss_history() {
  const auto& p = xss_payloads();
  std::vector<Op> ops;
  std::int64_t t = 1000;
  auto add = [&](std::int64_t process, OpType type, const std::string& f, Json value, const std::string& node = "",
                 const std::string& error = "") {
    Op op;
    op.index = static_cast<std::int64_t>(ops.size());
    op.time = t += 1000;
    op.process = process;
    op.type = type;
    op.f = f;
    op.value = std::move(value);
    op.node = node;
    op.error = error;
    ops.push_back(std::move(op));
  };
  add(kNemesis, OpType::Info, "start-" + p[0], Json{{p[1], {p[2]}}});
  for (std::size_t i = 0; i < p.size(); ++i) {
    add(0, OpType::Invoke, "write", p[i], p[(i + 1) % p.size()]);
    add(0, OpType::Ok, "write", p[i], p[(i + 1) % p.size()]);
  }
  add(1, OpType::Invoke, "read", nullptr, p[3]);
  add(1, OpType::Ok, "read", p[0], p[3]);  // stale: p[0] was overwritten long ago
  add(2, OpType::Invoke, "cas", Json::array({p[4], p[5]}));
  add(2, OpType::Fail, "cas", Json::array({p[4], p[5]}), p[2], p[1]);
  add(3, OpType::Invoke, "write", p[2]);
  add(3, OpType::Info, "write", nullptr, p[4], p[3]);
  add(kNemesis, OpType::Info, "stop-" + p[0], p[5], "", p[4]);
  return History(std::move(ops), "xss-probe");
}

// A results entry with payloads in every field the report renders.
inline Json xss_results_entry() {
  const auto& p = xss_payloads();
  return Json{{"valid", false},
              {"anomalies",
               Json::array({Json{{"kind", p[0]},
                                 {"ops", {1, 14}},
                                 {"key", p[1]},
                                 {"explanation", p[2] + p[3]},
                                 {p[4], p[5]},
                                 {"cycle", Json::array({Json{{"from", 1}, {"to", 14}, {"type", p[0]}, {"explanation", p[1]}},
                                                        Json{{"from", 14}, {"to", 1}, {"type", "wr"}, {"explanation", p[3]}}})}}})},
              {"model", p[2]},
              {"reason", p[3]}};
}

}  // namespace fl::test
