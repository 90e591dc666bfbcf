// The rules of Raft that fl-course's raft design follows, without a network:
// RequestVote (§5.2, §5.4.1), AppendEntries (§5.3: consistency check,
// conflict truncation, Log Matching) and the leader's commit rule (§5.4.2,
// Figure 8) of Ongaro & Ousterhout 2014 — plus RaftLog, the persistent
// state they act on, surviving a restart from its directory.
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>
#include <malloc.h>
#include <unistd.h>
#if defined(__SANITIZE_ADDRESS__)
// ASan's runtime counts its own heap (gcc ships no header declaring it).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

#include "fl-course/raft_rules.h"
#include "tests/skip.h"

using namespace course;
namespace fs = std::filesystem;

namespace {

// A log whose entries have the given terms (commands are their indexes).
RaftLog log_of(const std::vector<std::uint64_t>& terms, std::uint64_t term = 0) {
  RaftLog log("", Durability::None);
  std::vector<LogEntry> entries;
  for (std::size_t i = 0; i < terms.size(); ++i) entries.push_back({terms[i], Json(i + 1).dump(), 0});
  if (!entries.empty()) log.append(entries);
  log.set_hard_state(std::max<std::uint64_t>(term, terms.empty() ? 0 : terms.back()), "");
  return log;
}

std::vector<std::uint64_t> terms_of(const RaftLog& log) {
  std::vector<std::uint64_t> t;
  for (std::uint64_t i = 1; i <= log.last_index(); ++i) t.push_back(log.term_at(i));
  return t;
}

AppendRequest append(std::uint64_t term, std::uint64_t prev_index, std::uint64_t prev_term,
                     const std::vector<std::uint64_t>& entry_terms, std::uint64_t commit = 0) {
  AppendRequest r;
  r.term = term;
  r.leader = "n1";
  r.prev_index = prev_index;
  r.prev_term = prev_term;
  r.leader_commit = commit;
  for (std::uint64_t t : entry_terms) r.entries.push_back({t, Json("new").dump(), 0});
  return r;
}

struct TempDir {
  std::string path = (fs::temp_directory_path() / ("fl-raft-test-" + std::to_string(::getpid()))).string();
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("a log is at least as up-to-date as another when its last term is later, or equal and it is as long", "[no-cluster]") {
  CHECK(log_up_to_date(3, 1, 2, 10));
  CHECK_FALSE(log_up_to_date(2, 10, 3, 1));
  CHECK(log_up_to_date(3, 5, 3, 5));
  CHECK(log_up_to_date(3, 6, 3, 5));
  CHECK_FALSE(log_up_to_date(3, 4, 3, 5));
  CHECK(log_up_to_date(0, 0, 0, 0));
}

TEST_CASE("a vote goes to the first candidate of a term whose log is up to date, and to no other in that term", "[no-cluster]") {
  RaftLog log = log_of({1, 1, 2}, 2);
  VoteAnswer a = receive_vote(log, {3, "n2", 3, 2});
  CHECK(a.granted);
  CHECK(a.term == 3);
  CHECK(a.ticket > 0);  // the vote must reach the disk before the answer
  CHECK(log.vote() == "n2");
  CHECK_FALSE(receive_vote(log, {3, "n3", 5, 2}).granted);  // already voted in term 3
  VoteAnswer again = receive_vote(log, {3, "n2", 3, 2});
  CHECK(again.granted);  // the same candidate asking again
  CHECK(again.ticket == 0);
  CHECK(receive_vote(log, {4, "n3", 3, 2}).granted);  // a new term frees the vote
  CHECK(log.vote() == "n3");
}

TEST_CASE("a vote is refused to an older term and to a candidate whose log is behind, yet its newer term is adopted", "[no-cluster]") {
  RaftLog log = log_of({1, 2, 2}, 5);
  VoteAnswer old = receive_vote(log, {4, "n2", 3, 2});
  CHECK_FALSE(old.granted);
  CHECK(old.term == 5);
  VoteAnswer behind = receive_vote(log, {6, "n2", 5, 1});  // longer, but an older last term
  CHECK_FALSE(behind.granted);
  CHECK(behind.term == 6);  // the term moved on and the vote is free
  CHECK(log.term() == 6);
  CHECK(log.vote().empty());
  CHECK_FALSE(receive_vote(log, {6, "n3", 2, 2}).granted);  // same last term, shorter
  CHECK(receive_vote(log, {6, "n3", 3, 2}).granted);
}

TEST_CASE("AppendEntries is refused for an older term and when the log has no matching entry at prevLogIndex", "[no-cluster]") {
  RaftLog log = log_of({1, 1, 2}, 3);
  CHECK_FALSE(receive_append(log, append(2, 3, 2, {2})).success);
  AppendAnswer missing = receive_append(log, append(3, 5, 3, {3}));
  CHECK_FALSE(missing.success);
  CHECK(missing.conflict == 4);  // the end of the short log
  AppendAnswer wrong = receive_append(log, append(3, 3, 3, {3}));
  CHECK_FALSE(wrong.success);
  CHECK(wrong.conflict == 3);  // the first index of the conflicting term 2
  CHECK(terms_of(log) == std::vector<std::uint64_t>{1, 1, 2});  // nothing changed
}

TEST_CASE("AppendEntries deletes a conflicting entry and all that follow, then appends the leader's", "[no-cluster]") {
  RaftLog log = log_of({1, 1, 2, 2, 2}, 2);
  AppendAnswer a = receive_append(log, append(4, 2, 1, {3, 4}));
  CHECK(a.success);
  CHECK(a.match == 4);
  CHECK(terms_of(log) == std::vector<std::uint64_t>{1, 1, 3, 4});
  CHECK(log.term() == 4);
}

TEST_CASE("a delayed, shorter AppendEntries never cuts entries that match", "[no-cluster]") {
  RaftLog log = log_of({1, 1, 1, 1}, 1);
  AppendAnswer a = receive_append(log, append(1, 1, 1, {1}));
  CHECK(a.success);
  CHECK(a.match == 2);
  CHECK(a.ticket == 0);  // nothing to write
  CHECK(terms_of(log) == std::vector<std::uint64_t>{1, 1, 1, 1});
}

TEST_CASE("after AppendEntries two logs that agree on an entry's index and term agree on everything before it", "[no-cluster]") {
  // Log Matching: the leader's log, and followers that start anywhere
  // behind or diverged, end up identical up to what was sent.
  std::vector<std::uint64_t> leader = {1, 1, 1, 4, 4, 5, 5, 6, 6, 6};
  for (const auto& start : std::vector<std::vector<std::uint64_t>>{
           {1, 1, 1, 4, 4, 5, 5, 6, 6}, {1, 1, 1, 4}, {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6},
           {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7}, {1, 1, 1, 4, 4, 4, 4}, {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3}}) {
    RaftLog follower = log_of(start, start.back());
    // The leader backs nextIndex off by the follower's hint until it matches.
    std::uint64_t next = leader.size() + 1;
    for (int round = 0; round < 20; ++round) {
      std::uint64_t prev = next - 1;
      std::vector<std::uint64_t> send(leader.begin() + static_cast<long>(prev), leader.end());
      AppendAnswer a = receive_append(follower, append(8, prev, prev ? leader[prev - 1] : 0, send));
      if (a.success) break;
      next = std::max<std::uint64_t>(1, std::min(a.conflict, next - 1));
    }
    std::vector<std::uint64_t> got = terms_of(follower);
    REQUIRE(got.size() >= leader.size());
    got.resize(leader.size());
    CHECK(got == leader);
  }
}

TEST_CASE("a follower commits up to the leader's commit index but never past the entries it was sent", "[no-cluster]") {
  CHECK(follower_commit(2, append(1, 3, 1, {1, 1}, 10)) == 5);
  CHECK(follower_commit(2, append(1, 3, 1, {1, 1}, 4)) == 4);
  CHECK(follower_commit(6, append(1, 3, 1, {1}, 4)) == 6);  // never goes back
}

TEST_CASE("the leader commits the largest index a majority holds, but only counting an entry of its own term", "[no-cluster]") {
  RaftLog log = log_of({1, 1, 2, 3, 3}, 3);
  // Five servers (the leader's own match first).
  CHECK(leader_commit(log, 3, 0, {5, 5, 4, 1, 0}) == 4);
  CHECK(leader_commit(log, 3, 0, {5, 5, 5, 0, 0}) == 5);
  CHECK(leader_commit(log, 3, 0, {5, 4, 0, 0, 0}) == 0);  // 4 is on two of five
  // Figure 8: index 3 (term 2) is on a majority, but a leader of term 3 may
  // not commit it by counting; it commits with an entry of term 3.
  CHECK(leader_commit(log, 3, 2, {3, 3, 3, 1, 1}) == 2);
  CHECK(leader_commit(log, 3, 2, {4, 4, 4, 1, 1}) == 4);
  CHECK(leader_commit(log, 4, 2, {5, 5, 5, 5, 5}) == 2);  // nothing of term 4 yet
  CHECK(leader_commit(log, 3, 1, {5, 5, 5}) == 5);        // three servers
}

TEST_CASE("term, vote and log survive a restart from the node's directory, with no-persist nothing does", "[no-cluster]") {
  TempDir dir;
  {
    RaftLog log(dir.path, Durability::Fsync);
    log.append({{1, Json("a").dump(), 0}, {1, Json("b").dump(), 0}, {2, Json("c").dump(), 0}});
    log.set_hard_state(3, "n2");
    receive_append(log, append(3, 1, 1, {3, 3}));  // cuts "b", "c"
    log.sync(log.last_ticket());
    log.synced(log.last_ticket());
    CHECK(log.durable_index() == 3);
  }
  RaftLog again(dir.path, Durability::Fsync);
  CHECK(again.term() == 3);
  CHECK(again.vote() == "n2");
  CHECK(terms_of(again) == std::vector<std::uint64_t>{1, 3, 3});
  CHECK(Json::parse(again.at(1).command) == "a");
  CHECK(again.durable_index() == 3);

  RaftLog forgetful(dir.path + "/none", Durability::None);
  forgetful.append({{1, Json("x").dump(), 0}});
  forgetful.set_hard_state(1, "n1");
  RaftLog restarted(dir.path + "/none", Durability::None);
  CHECK(restarted.term() == 0);
  CHECK(restarted.last_index() == 0);
}

TEST_CASE("the durable index covers only entries whose write has been synced", "[no-cluster]") {
  RaftLog log("", Durability::None);
  std::uint64_t t1 = log.append({{1, Json(1).dump(), 0}, {1, Json(2).dump(), 0}});
  std::uint64_t t2 = log.append({{1, Json(3).dump(), 0}});
  CHECK(log.durable_index() == 0);
  log.synced(t1);
  CHECK(log.durable_index() == 2);
  log.synced(t2);
  CHECK(log.durable_index() == 3);
  log.truncate_from(2);
  CHECK(log.durable_index() == 1);
  log.append({{2, Json(4).dump(), 0}});
  CHECK(log.durable_index() == 1);  // the new entry 2 is not on disk yet
}

// --- log compaction (§7, Figure 13) -----------------------------------------

namespace {

Snapshot snap(std::uint64_t index, std::uint64_t term, const std::string& state = "{}") { return {index, term, state}; }

SnapshotRequest install(std::uint64_t term, const Snapshot& s) {
  SnapshotRequest r;
  r.term = term;
  r.leader = "n1";
  r.snapshot = s;
  return r;
}

std::size_t lines_of(const std::string& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

}  // namespace

TEST_CASE("a log with a snapshot keeps absolute indices: the snapshot's last entry has its term, what is before it none", "[no-cluster]") {
  RaftLog log = log_of({1, 1, 2, 2, 2, 3, 3, 3, 3, 3});
  REQUIRE(log.save_snapshot(snap(6, 3, R"({"k":1})")));
  CHECK(log.snapshot_index() == 6);
  CHECK(log.first_index() == 7);
  CHECK(log.last_index() == 10);
  CHECK(log.last_term() == 3);
  CHECK(log.term_at(6) == 3);
  CHECK(log.term_at(5) == 0);
  CHECK(Json::parse(log.at(7).command) == 7);
  CHECK(log.snapshot().state == R"({"k":1})");
  CHECK_FALSE(log.save_snapshot(snap(4, 2)));  // older than the one it has
  // A cut never reaches into the snapshot; appends go on from the end.
  log.truncate_from(3);
  CHECK(log.last_index() == 6);
  CHECK(log.last_term() == 3);
  log.append({{4, Json("x").dump(), 0}});
  CHECK(log.last_index() == 7);
  CHECK(Json::parse(log.at(7).command) == "x");
  // Compacting everything leaves an empty log after the snapshot.
  REQUIRE(log.save_snapshot(snap(7, 4)));
  CHECK(log.last_index() == 7);
  CHECK(log.last_term() == 4);
  CHECK(log.first_index() == 8);
}

TEST_CASE("AppendEntries skips the entries a snapshot holds and checks the first one the log still has", "[no-cluster]") {
  RaftLog log = log_of({1, 1, 2, 2, 2, 3});
  REQUIRE(log.save_snapshot(snap(4, 2)));
  // Everything it sends is before the snapshot: committed, already here.
  AppendAnswer a = receive_append(log, append(3, 1, 1, {1, 2}));
  CHECK(a.success);
  CHECK(a.match == 3);
  CHECK(log.last_index() == 6);
  // Reaching past the snapshot: the entries after it are checked and appended.
  a = receive_append(log, append(3, 2, 1, {2, 2, 2, 3, 3}));
  CHECK(a.success);
  CHECK(a.match == 7);
  CHECK(terms_of(log) == std::vector<std::uint64_t>{0, 0, 0, 2, 2, 3, 3});
  // A conflict after the snapshot is cut, never before it; the retry hint
  // stops at the first index the log holds.
  a = receive_append(log, append(4, 4, 2, {4}));
  CHECK(a.success);
  CHECK(log.last_index() == 5);
  CHECK(log.term_at(5) == 4);
  a = receive_append(log, append(5, 5, 5, {5}));
  CHECK_FALSE(a.success);
  CHECK(a.conflict == 5);
}

TEST_CASE("InstallSnapshot: an older term is refused, a snapshot already committed changes nothing, else it replaces the log", "[no-cluster]") {
  SECTION("older term, or no newer than the commit index") {
    RaftLog log = log_of({1, 1, 2}, 3);
    SnapshotAnswer a = receive_snapshot(log, install(2, snap(3, 2)), 0);
    CHECK(a.term == 3);
    CHECK_FALSE(a.installed);
    a = receive_snapshot(log, install(4, snap(2, 1)), 2);
    CHECK(a.term == 4);
    CHECK(a.ticket != 0);  // the newer term, to sync
    CHECK_FALSE(a.installed);
    CHECK(log.snapshot_index() == 0);
  }
  SECTION("the log has the snapshot's last entry: the entries after it stay") {
    RaftLog log = log_of({1, 1, 2, 2, 3});
    SnapshotAnswer a = receive_snapshot(log, install(3, snap(3, 2, R"({"a":[1]})")), 1);
    CHECK(a.installed);
    CHECK(log.snapshot_index() == 3);
    CHECK(terms_of(log) == std::vector<std::uint64_t>{0, 0, 2, 2, 3});
  }
  SECTION("the log disagrees at the snapshot's last entry, or is shorter: all of it goes") {
    RaftLog log = log_of({1, 1, 1, 1});
    SnapshotAnswer a = receive_snapshot(log, install(3, snap(3, 2)), 1);
    CHECK(a.installed);
    CHECK(log.snapshot_index() == 3);
    CHECK(log.last_index() == 3);
    CHECK(log.last_term() == 2);
    RaftLog short_log = log_of({1});
    CHECK(receive_snapshot(short_log, install(3, snap(5, 2)), 0).installed);
    CHECK(short_log.last_index() == 5);
    CHECK(short_log.first_index() == 6);
  }
}

TEST_CASE("a restart loads the snapshot and replays the WAL after it, which holds only what follows the snapshot", "[no-cluster]") {
  TempDir dir;
  {
    RaftLog log(dir.path, Durability::Fsync);
    log.set_hard_state(2, "n3");
    for (int i = 1; i <= 100; ++i) log.append({{static_cast<std::uint64_t>(1 + i / 50), Json(i).dump(), 0}});
    log.sync(log.last_ticket());
    log.synced(log.last_ticket());
    REQUIRE(log.save_snapshot(snap(90, 2, R"({"x":90})")));
    CHECK(log.durable_index() == 100);
    CHECK(lines_of(dir.path + "/raft.wal") == 12);  // hard state, base, entries 91…100
    log.append({{2, Json(101).dump(), 0}});
    log.sync(log.last_ticket());
  }
  RaftLog again(dir.path, Durability::Fsync);
  CHECK(again.note().empty());
  CHECK(again.term() == 2);
  CHECK(again.vote() == "n3");
  CHECK(again.snapshot_index() == 90);
  CHECK(again.snapshot_term() == 2);
  CHECK(again.snapshot().state == R"({"x":90})");
  CHECK(again.first_index() == 91);
  CHECK(again.last_index() == 101);
  CHECK(Json::parse(again.at(91).command) == 91);
  CHECK(Json::parse(again.at(101).command) == 101);
  CHECK(again.durable_index() == 101);

  // no-persist: the snapshot lives in memory only, a restart starts empty.
  RaftLog forgetful(dir.path + "/none", Durability::None);
  forgetful.append({{1, Json("x").dump(), 0}, {1, Json("y").dump(), 0}});
  REQUIRE(forgetful.save_snapshot(snap(2, 1)));
  CHECK(forgetful.snapshot_index() == 2);
  CHECK_FALSE(fs::exists(dir.path + "/none/raft.snap"));
  RaftLog restarted(dir.path + "/none", Durability::None);
  CHECK(restarted.snapshot_index() == 0);
  CHECK(restarted.last_index() == 0);
}

TEST_CASE("a crash between saving the snapshot and rewriting the WAL: the restart finishes the compaction", "[no-cluster]") {
  TempDir dir;
  {
    RaftLog log(dir.path, Durability::Fsync);
    log.append({{1, Json(1).dump(), 0}, {1, Json(2).dump(), 0}, {2, Json(3).dump(), 0}, {2, Json(4).dump(), 0}});
    log.set_hard_state(2, "");
    log.sync(log.last_ticket());
  }
  SECTION("the WAL holds the snapshot's last entry: the entries after it are kept") {
    save_snapshot(dir.path + "/raft.snap", Durability::Fsync, snap(3, 2, R"({"s":3})"));  // the crash comes here
    RaftLog again(dir.path, Durability::Fsync);
    CHECK(again.snapshot_index() == 3);
    CHECK(again.last_index() == 4);
    CHECK(Json::parse(again.at(4).command) == 4);
    CHECK(lines_of(dir.path + "/raft.wal") == 3);  // rewritten: hard state, base, entry 4
  }
  SECTION("an installed snapshot the WAL disagrees with (or is shorter than): the log is discarded") {
    save_snapshot(dir.path + "/raft.snap", Durability::Fsync, snap(4, 3));
    RaftLog again(dir.path, Durability::Fsync);
    CHECK(again.snapshot_index() == 4);
    CHECK(again.snapshot_term() == 3);
    CHECK(again.last_index() == 4);
    CHECK(again.first_index() == 5);
  }
  SECTION("leftover temporary files of an interrupted write are ignored") {
    std::ofstream(dir.path + "/raft.snap.tmp") << "{\"index\": 9";
    std::ofstream(dir.path + "/raft.wal.tmp") << "{\"base\": 9, \"t\": 9}\n";
    RaftLog again(dir.path, Durability::Fsync);
    CHECK(again.snapshot_index() == 0);
    CHECK(again.last_index() == 4);
  }
}

TEST_CASE("a snapshot lost while its WAL was not (durability=write, a power cut): the log restarts at the snapshot it has", "[no-cluster]") {
  TempDir dir;
  {
    RaftLog log(dir.path, Durability::Write);
    log.append({{1, Json(1).dump(), 0}, {1, Json(2).dump(), 0}, {1, Json(3).dump(), 0}});
    log.sync(log.last_ticket());
    REQUIRE(log.save_snapshot(snap(2, 1)));
  }
  SECTION("no snapshot file at all") {
    fs::remove(dir.path + "/raft.snap");
    RaftLog again(dir.path, Durability::Write);
    CHECK_FALSE(again.note().empty());
    CHECK(again.snapshot_index() == 0);
    CHECK(again.last_index() == 0);
    RaftLog twice(dir.path, Durability::Write);  // the repair is on disk
    CHECK(twice.note().empty());
    CHECK(twice.last_index() == 0);
  }
  SECTION("a torn one") {
    fs::resize_file(dir.path + "/raft.snap", 10);
    RaftLog again(dir.path, Durability::Write);
    CHECK_FALSE(again.note().empty());
    CHECK(again.snapshot_index() == 0);
    CHECK(again.last_index() == 0);
  }
}

// A node's log holds up to as many entries as its state machine has keys
// between two snapshots, so what one entry costs sets the node's memory on
// a long run: kept parsed, a kv command cost about 500 bytes of heap, 12
// times its JSON text.
TEST_CASE("a log entry costs about its command's JSON text in memory, and a snapshot gives it back", "[no-cluster]") {
  constexpr std::uint64_t n = 20000;
  auto in_use = []() -> std::int64_t {
#if defined(__SANITIZE_ADDRESS__)
    return static_cast<std::int64_t>(__sanitizer_get_current_allocated_bytes());  // ASan's own allocator
#else
    struct mallinfo2 m = mallinfo2();
    return static_cast<std::int64_t>(m.uordblks + m.hblkhd);  // in the arenas, and mmapped (the log's vector)
#endif
  };
  RaftLog log("", Durability::None);
  const std::int64_t before = in_use();
  for (std::uint64_t i = 1; i <= n; ++i) {
    Json cas = {{"f", "cas"}, {"key", std::to_string(100000 + i)}, {"from", i % 5}, {"to", (i + 1) % 5}};
    log.append({{1, cas.dump(), 0}});
  }
  const std::int64_t full = in_use();
  if (full <= before) FL_SKIP("neither mallinfo2 nor ASan counts this allocator's heap (another sanitizer?)");
  double per_entry = static_cast<double>(full - before) / n;
  INFO("heap per log entry: " << per_entry << " bytes; its text: " << log.at(1).command.size() << " bytes");
  CHECK(per_entry < 256);
  REQUIRE(log.save_snapshot(snap(n, 1)));
  CHECK(log.last_index() == n);
  double left = static_cast<double>(in_use() - before) / n;
  INFO("heap per compacted entry: " << left << " bytes");
  CHECK(left < per_entry / 4);  // the commands and the vector that held them are gone
}
