#include "report/message_diagram.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "report/html.h"

namespace fl {
namespace {

std::string text_of(const Json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t time_of(const Json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_number_integer() && it->get<std::int64_t>() >= 0 ? it->get<std::int64_t>() : -1;
}

// n2 before n10.
bool name_less(const std::string& a, const std::string& b) {
  return std::make_tuple(a.size(), a) < std::make_tuple(b.size(), b);
}

// Distinct on white, in the order the commonest types get them.
const char* const kPalette[] = {"#3b6fb6", "#d9822b", "#3c9a52", "#b0201c", "#7a4fb0",
                                "#8c5a3c", "#c0589b", "#5b6574", "#1f9aa8", "#9a9a1f"};
constexpr std::size_t kColours = sizeof kPalette / sizeof kPalette[0];
const char* const kOtherColour = "#a0a6ae";
constexpr std::size_t kMaxClientLanes = 6;

std::string id_text(const Json& v) { return v.is_null() ? std::string("–") : short_json(v, 40); }

std::string ms_text(std::int64_t us, std::int64_t origin) {
  return fmt::format("{:.3f} ms", static_cast<double>(us - origin) / 1000.0);
}

}  // namespace

MessageLog merge_message_logs(const std::vector<std::string>& texts) {
  MessageLog log;
  std::vector<DiagramMessage> receipts, sends;
  std::set<std::string> nodes;
  for (const std::string& text : texts) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      Json r = Json::parse(line, nullptr, false);
      if (!r.is_object() || text_of(r, "node").empty()) {
        ++log.unreadable;
        continue;
      }
      nodes.insert(text_of(r, "node"));
      if (r.contains("limit")) {  // this router stopped recording at "at"
        const std::int64_t at = time_of(r, "at");
        if (at >= 0 && (log.cutoff < 0 || at < log.cutoff)) {
          log.cutoff = at;
          log.cutoff_node = text_of(r, "node");
        }
        continue;
      }
      DiagramMessage m;
      m.from = text_of(r, "from");
      m.to = text_of(r, "to");
      m.src = text_of(r, "src");
      m.dest = text_of(r, "dest");
      m.type = text_of(r, "type");
      m.msg_id = r.value("msg_id", Json());
      m.in_reply_to = r.value("in_reply_to", Json());
      m.sent = time_of(r, "sent");
      m.recv = time_of(r, "recv");
      const std::string end = text_of(r, "end");
      if (m.from.empty() || m.to.empty() || m.type.empty() || (end != "send" && end != "recv") ||
          (end == "send" ? m.sent : m.recv) < 0) {
        ++log.unreadable;
        continue;
      }
      (end == "send" ? sends : receipts).push_back(std::move(m));
    }
  }
  // A receipt that knows its send time is the same message as the sender's
  // record of that send: same lanes, same send time.
  std::multiset<std::tuple<std::string, std::string, std::int64_t>> received;
  for (const DiagramMessage& m : receipts)
    if (m.sent >= 0) received.insert({m.from, m.to, m.sent});
  log.messages = std::move(receipts);
  for (DiagramMessage& m : sends) {
    auto it = received.find({m.from, m.to, m.sent});
    if (it != received.end()) received.erase(it);
    else log.messages.push_back(std::move(m));
  }
  std::stable_sort(log.messages.begin(), log.messages.end(),
                   [](const DiagramMessage& a, const DiagramMessage& b) { return a.first() < b.first(); });
  if (log.cutoff >= 0) {
    auto keep = std::partition_point(log.messages.begin(), log.messages.end(),
                                     [&](const DiagramMessage& m) { return m.first() <= log.cutoff; });
    log.after_cutoff = static_cast<std::size_t>(log.messages.end() - keep);
    log.messages.erase(keep, log.messages.end());
  }
  log.nodes.assign(nodes.begin(), nodes.end());
  std::sort(log.nodes.begin(), log.nodes.end(), name_less);
  return log;
}

void write_messages_section(std::ostream& out, const MessageLog& log, std::size_t max_messages) {
  if (log.messages.empty()) return;
  const std::size_t shown = std::min(max_messages, log.messages.size());
  const std::vector<DiagramMessage> ms(log.messages.begin(), log.messages.begin() + static_cast<std::ptrdiff_t>(shown));

  // Lanes: the nodes, then the clients in the order they first appear; the
  // clients past kMaxClientLanes share one lane.
  std::vector<std::string> lanes = log.nodes;
  std::map<std::string, std::size_t> lane_of;
  for (std::size_t i = 0; i < lanes.size(); ++i) lane_of[lanes[i]] = i;
  std::size_t clients = 0;
  bool grouped = false;
  for (const DiagramMessage& m : ms)
    for (const std::string* who : {&m.from, &m.to}) {
      if (lane_of.count(*who)) continue;
      if (clients < kMaxClientLanes) {
        lane_of[*who] = lanes.size();
        lanes.push_back(*who);
        ++clients;
      } else {
        if (!grouped) lanes.push_back("other clients");
        grouped = true;
        lane_of[*who] = lanes.size() - 1;
      }
    }

  // Colours: the commonest types first.
  std::map<std::string, std::size_t> per_type;
  for (const DiagramMessage& m : ms) ++per_type[m.type];
  std::vector<std::pair<std::string, std::size_t>> types(per_type.begin(), per_type.end());
  std::stable_sort(types.begin(), types.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::map<std::string, std::size_t> colour_of;
  for (std::size_t i = 0; i < types.size(); ++i) colour_of[types[i].first] = std::min(i, kColours);
  auto colour = [&](std::size_t c) { return c < kColours ? kPalette[c] : kOtherColour; };

  // Rows: every recorded send and receipt in time order, one row each, so a
  // burst stays readable; the axis on the left gives the clock.
  struct Event {
    std::int64_t t;
    std::size_t msg;
    bool recv;
  };
  std::vector<Event> events;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    if (ms[i].sent >= 0) events.push_back({ms[i].sent, i, false});
    if (ms[i].recv >= 0) events.push_back({ms[i].recv, i, true});
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return std::make_tuple(a.t, a.recv) < std::make_tuple(b.t, b.recv);
  });
  std::vector<int> y_sent(ms.size(), -1), y_recv(ms.size(), -1);
  const int top = 34, step = 7, lane_w = 110, left = 96;
  for (std::size_t r = 0; r < events.size(); ++r)
    (events[r].recv ? y_recv : y_sent)[events[r].msg] = top + 8 + static_cast<int>(r) * step;
  const std::int64_t origin = events.front().t;
  const int width = left + static_cast<int>(lanes.size()) * lane_w;
  const int height = top + 16 + static_cast<int>(events.size()) * step;
  auto x_of = [&](const std::string& who) { return left + static_cast<int>(lane_of[who]) * lane_w + lane_w / 2; };

  out << "<section id=\"messages\"><h2>Messages</h2><p class=\"note\">The first " << shown << " of "
      << log.messages.size() << " messages the routers recorded";
  if (shown < log.messages.size()) out << " (" << log.messages.size() - shown << " left out)";
  out << ", each an arrow from its send to its receipt. Rows follow the order of sends and receipts, not clock "
         "time; the left axis gives the time since the first. A circle with a short dashed stub is a message whose "
         "receipt no router recorded (a reply to a client, or a message lost on the way or sent to a router no "
         "longer recording); a dashed stub ending in an arrow is one whose send was not recorded (a client's "
         "request: only its arrival is known). Hover an arrow for the message.</p>";
  if (log.cutoff >= 0)
    out << "<p class=\"note\">The router of " << html_text(log.cutoff_node)
        << " reached its recording limit; the " << log.after_cutoff
        << " messages after that moment are left out, so that what is drawn is complete.</p>";
  if (log.unreadable > 0)
    out << "<p class=\"note\">" << log.unreadable << " unreadable line" << (log.unreadable == 1 ? "" : "s")
        << " skipped (a router killed mid-write cuts its last line).</p>";

  out << "<div class=\"legend msg-legend\">";
  for (const auto& [type, n] : types) {
    if (colour_of[type] >= kColours) continue;
    out << "<span class=\"key-item\"><svg width=\"22\" height=\"10\"><line x1=\"1\" y1=\"5\" x2=\"21\" y2=\"5\" stroke=\""
        << colour(colour_of[type]) << "\" stroke-width=\"3\"></line></svg> " << html_text(type) << " (" << n
        << ")</span>";
  }
  if (types.size() > kColours)
    out << "<span class=\"key-item\"><svg width=\"22\" height=\"10\"><line x1=\"1\" y1=\"5\" x2=\"21\" y2=\"5\" stroke=\""
        << kOtherColour << "\" stroke-width=\"3\"></line></svg> other types</span>";
  out << "</div>";

  out << "<div class=\"msg-wrap\"><svg class=\"msg-diagram\" role=\"img\" aria-label=\"message diagram\" width=\""
      << width << "\" height=\"" << height << "\" viewBox=\"0 0 " << width << " " << height << "\"><defs>";
  for (std::size_t c = 0; c <= kColours; ++c)
    out << "<marker id=\"msg-head-" << c << "\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
        << "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"" << colour(c)
        << "\"></path></marker>";
  out << "</defs>";
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    const int x = left + static_cast<int>(i) * lane_w + lane_w / 2;
    const bool node = i < log.nodes.size();
    out << "<text class=\"msg-lane\" x=\"" << x << "\" y=\"18\" text-anchor=\"middle\" font-size=\"12\" "
        << "font-weight=\"" << (node ? "600" : "400") << "\" fill=\"#1d2430\">" << html_text(clip(lanes[i], 16))
        << "</text><line x1=\"" << x << "\" y1=\"" << top << "\" x2=\"" << x << "\" y2=\"" << height - 4
        << "\" stroke=\"" << (node ? "#9aa3af" : "#d0d5dc") << "\" stroke-width=\"" << (node ? 2 : 1) << "\"></line>";
  }
  for (std::size_t r = 0; r < events.size(); r += 20)
    out << "<text x=\"4\" y=\"" << top + 8 + static_cast<int>(r) * step + 4 << "\" font-size=\"10\" fill=\"#5b6574\">+"
        << html_text(ms_text(events[r].t, origin)) << "</text><line x1=\"" << left - 6 << "\" y1=\""
        << top + 8 + static_cast<int>(r) * step << "\" x2=\"" << width << "\" y2=\"" << top + 8 + static_cast<int>(r) * step
        << "\" stroke=\"#eef0f3\"></line>";

  for (std::size_t i = 0; i < ms.size(); ++i) {
    const DiagramMessage& m = ms[i];
    const std::size_t c = colour_of[m.type];
    const int x1 = x_of(m.from), x2 = x_of(m.to);
    std::string title = fmt::format("{} \xE2\x86\x92 {}  {}\nmsg_id {}  in_reply_to {}", m.from, m.to, m.type,
                                    id_text(m.msg_id), id_text(m.in_reply_to));
    if (m.src != m.from || m.dest != m.to) title += fmt::format("\n\"src\" {}  \"dest\" {}", m.src, m.dest);
    title += "\nsent " + (m.sent >= 0 ? ms_text(m.sent, origin) : std::string("not recorded")) + "  received " +
             (m.recv >= 0 ? ms_text(m.recv, origin) : std::string("not recorded"));
    if (m.sent >= 0 && m.recv >= 0) title += fmt::format(" ({} \xC2\xB5s on the way)", m.recv - m.sent);
    out << "<g class=\"msg " << (m.sent < 0 ? "recv-only" : m.recv < 0 ? "send-only" : "both") << "\"><title>"
        << html_text(title) << "</title>";
    if (m.sent >= 0 && m.recv >= 0) {
      out << "<line x1=\"" << x1 << "\" y1=\"" << y_sent[i] << "\" x2=\"" << x2 << "\" y2=\"" << y_recv[i]
          << "\" stroke=\"" << colour(c) << "\" stroke-width=\"1.5\" marker-end=\"url(#msg-head-" << c << ")\"></line>";
    } else if (m.recv < 0) {  // only the send: a circle and a stub toward the receiver
      const int xs = x1 + (x2 - x1) / 4;
      out << "<circle cx=\"" << x1 << "\" cy=\"" << y_sent[i] << "\" r=\"3\" fill=\"" << colour(c) << "\"></circle>"
          << "<line x1=\"" << x1 << "\" y1=\"" << y_sent[i] << "\" x2=\"" << xs << "\" y2=\"" << y_sent[i] + step
          << "\" stroke=\"" << colour(c) << "\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"></line>";
    } else {  // only the receipt: a stub from the sender's side
      const int xs = x2 + (x1 - x2) / 4;
      out << "<line x1=\"" << xs << "\" y1=\"" << y_recv[i] - step << "\" x2=\"" << x2 << "\" y2=\"" << y_recv[i]
          << "\" stroke=\"" << colour(c) << "\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\" marker-end=\"url(#msg-head-"
          << c << ")\"></line>";
    }
    // A wide transparent line makes the arrow easy to hover.
    const int hy1 = m.sent >= 0 ? y_sent[i] : y_recv[i] - step, hy2 = m.recv >= 0 ? y_recv[i] : y_sent[i] + step;
    const int hx1 = m.sent >= 0 ? x1 : x2 + (x1 - x2) / 4, hx2 = m.recv >= 0 ? x2 : x1 + (x2 - x1) / 4;
    out << "<line x1=\"" << hx1 << "\" y1=\"" << hy1 << "\" x2=\"" << hx2 << "\" y2=\"" << hy2
        << "\" class=\"hit\" stroke=\"transparent\" stroke-width=\"6\"></line></g>";
  }
  out << "</svg></div></section>\n";
}

}  // namespace fl
