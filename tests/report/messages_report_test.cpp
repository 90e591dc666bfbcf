// The report's Messages section (report/message_diagram.h) from synthetic
// router records (no cluster): the routers' files merged — a receipt and its
// send are one arrow, a lost send or a client's request keeps its one end, a
// router's limit cuts everyone's records at that moment — and the Lamport
// diagram drawn as SVG, checked as HTML and in headless chromium.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "report/message_diagram.h"
#include "tests/report/browser.h"
#include "tests/report/report_support.h"
#include "tests/report/synthetic_history.h"

using namespace fl;
using namespace fl::test;

namespace {

std::string msg_rec(const std::string& node, const char* end, const std::string& from, const std::string& to,
                const std::string& type, Json msg_id, Json in_reply_to, std::int64_t sent, std::int64_t recv) {
  Json j = {{"node", node}, {"end", end}, {"from", from}, {"to", to}, {"src", from}, {"dest", to}, {"type", type}};
  if (!msg_id.is_null()) j["msg_id"] = msg_id;
  if (!in_reply_to.is_null()) j["in_reply_to"] = in_reply_to;
  if (sent >= 0) j["sent"] = sent;
  if (recv >= 0) j["recv"] = recv;
  return j.dump() + "\n";
}

// A broadcast run as three routers would record it: clients c1…c8 send
// `broadcast` to a node (its arrival only), the node answers (its send only)
// and gossips to the two others (both ends, but every 7th gossip is lost:
// its send only). `rounds` requests, 1 ms apart, from t0.
std::map<std::string, std::string> broadcast_records(int rounds, std::int64_t t0) {
  std::map<std::string, std::string> files;
  const std::vector<std::string> nodes = {"n1", "n2", "n3"};
  int gossip = 0;
  for (int i = 0; i < rounds; ++i) {
    const std::string& n = nodes[static_cast<std::size_t>(i) % 3];
    const std::string client = "c" + std::to_string(1 + i % 8);
    const std::int64_t t = t0 + i * 1000;
    files[n] += msg_rec(n, "recv", client, n, "broadcast", i + 1, nullptr, -1, t);
    files[n] += msg_rec(n, "send", n, client, "broadcast_ok", i + 1000, i + 1, t + 40, -1);
    for (const std::string& other : nodes) {
      if (other == n) continue;
      const std::int64_t sent = t + 60 + (++gossip % 3) * 10;
      files[n] += msg_rec(n, "send", n, other, "gossip", nullptr, nullptr, sent, -1);
      if (gossip % 7 != 0) files[other] += msg_rec(other, "recv", n, other, "gossip", nullptr, nullptr, sent, sent + 150);
    }
  }
  return files;
}

std::vector<std::string> record_texts(const std::map<std::string, std::string>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.second);
  return out;
}

std::size_t occurrences(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = 0; (at = s.find(what, at)) != std::string::npos; at += what.size()) ++n;
  return n;
}

}  // namespace

TEST_CASE("the routers' message records merge into one message per send, its ends joined", "[report]") {
  const std::int64_t t0 = 1700000000000000;
  const MessageLog log = merge_message_logs(record_texts(broadcast_records(10, t0)));
  CHECK(log.nodes == std::vector<std::string>{"n1", "n2", "n3"});
  CHECK(log.unreadable == 0);
  CHECK(log.cutoff == -1);
  // 10 requests, 10 replies, 20 gossips (2 of them lost: the 7th and 14th).
  REQUIRE(log.messages.size() == 40);
  std::size_t both = 0, lost = 0, requests = 0, replies = 0;
  for (const DiagramMessage& m : log.messages) {
    if (m.type == "gossip" && m.sent >= 0 && m.recv >= 0) ++both;
    if (m.type == "gossip" && m.recv < 0) ++lost;
    if (m.type == "broadcast" && m.sent < 0 && m.recv >= 0) ++requests;
    if (m.type == "broadcast_ok" && m.sent >= 0 && m.recv < 0) ++replies;
  }
  CHECK(both == 18);
  CHECK(lost == 2);
  CHECK(requests == 10);
  CHECK(replies == 10);
  CHECK(log.messages.front().type == "broadcast");
  CHECK(log.messages.front().from == "c1");
  CHECK(log.messages.front().recv == t0);
  for (std::size_t i = 1; i < log.messages.size(); ++i) CHECK(log.messages[i - 1].first() <= log.messages[i].first());

  // A router that reached its limit cuts everyone's records there; a cut line is skipped.
  auto files = broadcast_records(10, t0);
  files["n2"] += Json{{"node", "n2"}, {"limit", 9}, {"at", t0 + 4500}}.dump() + "\n{\"node\":\"n2\",\"end\":\"re";
  const MessageLog cut = merge_message_logs(record_texts(files));
  CHECK(cut.cutoff == t0 + 4500);
  CHECK(cut.cutoff_node == "n2");
  CHECK(cut.unreadable == 1);
  CHECK(cut.after_cutoff > 0);
  CHECK(cut.messages.size() + cut.after_cutoff == 40);
  for (const DiagramMessage& m : cut.messages) CHECK(m.first() <= t0 + 4500);
}

TEST_CASE("the Messages section draws an arrow per message, a mark per lone end, and says what it left out",
          "[report]") {
  const MessageLog log = merge_message_logs(record_texts(broadcast_records(100, 1700000000000000)));
  REQUIRE(log.messages.size() == 400);
  std::ostringstream out;
  write_messages_section(out, log, 300);
  const std::string html = out.str();
  CHECK(html.find("<section id=\"messages\"><h2>Messages</h2>") != std::string::npos);
  CHECK(html.find("The first 300 of 400 messages") != std::string::npos);
  CHECK(html.find("(100 left out)") != std::string::npos);
  CHECK(occurrences(html, "<g class=\"msg ") == 300);
  CHECK(occurrences(html, "<title>") == 300);
  CHECK(occurrences(html, "<g class=\"msg recv-only\"") == 75);  // the clients' requests
  CHECK(occurrences(html, "<g class=\"msg both\"") + occurrences(html, "<g class=\"msg send-only\"") == 225);
  // Lanes: three nodes, six clients, the other two grouped.
  for (const char* lane : {">n1<", ">n2<", ">n3<", ">c1<", ">c6<", ">other clients<"}) CHECK(html.find(lane) != std::string::npos);
  CHECK(html.find(">c7<") == std::string::npos);
  // A title names both ends and the ids.
  CHECK(html.find("<title>c1 \xE2\x86\x92 n1  broadcast\nmsg_id 1  in_reply_to \xE2\x80\x93\nsent not recorded  received 0.000 ms</title>") !=
        std::string::npos);
  CHECK(html.find("\xC2\xB5s on the way)</title>") != std::string::npos);
  // The legend, commonest type first.
  CHECK(html.find("gossip (") < html.find("broadcast ("));

  // Strings from the records are escaped; no messages, no section.
  std::ostringstream hostile;
  write_messages_section(hostile, merge_message_logs({msg_rec("n1", "recv", "<c1>", "n1", "<script>", 1, nullptr, -1, 5)}));
  CHECK(hostile.str().find("<script>") == std::string::npos);
  CHECK(hostile.str().find("&lt;script&gt;") != std::string::npos);
  std::ostringstream none;
  write_messages_section(none, merge_message_logs({""}));
  CHECK(none.str().empty());
}

TEST_CASE("the report's Messages section renders in chromium with no console message", "[report][browser]") {
  FL_REQUIRE_CHROMIUM();
  SyntheticOptions o;
  o.ops = 200;
  o.processes = 3;
  const History h = synthetic_history(o);
  const MessageLog log = merge_message_logs(record_texts(broadcast_records(100, 1700000000000000)));
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(FL_ARTIFACT_DIR) / "pages" / "maelstrom-messages";
  fs::create_directories(dir);
  ReportInput in;
  in.history = &h;
  in.results = check_history(h, {"stats"}, "cas-register", Json(0));
  in.title = "maelstrom-messages";
  in.generator = "faultline (test)";
  in.messages = &log;
  const std::string path = (dir / "report.html").string();
  {
    std::ofstream f(path);
    write_report_html(f, in);
  }
  Page p = open_page(path, artifact("maelstrom-messages.png"));
  INFO("console:\n" << console_text(p));
  REQUIRE(p.run.ok());
  CHECK(p.console.empty());
  CHECK(p.num("errors") == 0);
  CHECK(p.dom.find("<h2>Messages</h2>") != std::string::npos);
  CHECK(p.dom.find("href=\"#messages\"") != std::string::npos);
  CHECK(occurrences(p.dom, "<g class=\"msg ") == 300);
  CHECK(occurrences(p.dom, "<marker ") == 11);
  CHECK(p.shot.inked > 0.05);
  CHECK(p.shot.colours > 8);  // the types' colours, not one ink
}
